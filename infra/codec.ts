/**
 * Temporal payload encryption: every payload (workflow inputs, results, signals, activity
 * arguments) leaves the process as AES-256-GCM ciphertext, so a Temporal history holds no citizen
 * data in clear. The key id travels in the payload metadata, so keys can be rotated: the current
 * key encrypts, the current and the old keys decrypt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface PayloadKeys {
  current: PayloadKey;
  old: PayloadKey[];
}

/**
 * Parses `[kid:]base64-of-32-bytes`. Without a `kid:` prefix the id is a short fingerprint of the
 * key (a hash, never the key), so the same key always gets the same id.
 */
export function parsePayloadKey(text: string): PayloadKey {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const id = colon >= 0 ? trimmed.slice(0, colon) : undefined;
  const material = colon >= 0 ? trimmed.slice(colon + 1) : trimmed;
  if (id !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error('the key id (before ":") may hold only letters, digits, ".", "_", "-" (at most 64)');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(material)) throw new Error('the key must be base64 (e.g. `openssl rand -base64 32`)');
  const key = Buffer.from(material, 'base64');
  if (key.length !== 32) throw new Error(`the key must be 32 bytes in base64 (got ${key.length} bytes)`);
  return { id: id ?? `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}

/** A new random key in the `kid:base64` form, as `npm start` writes it under DATA_DIR. */
export function generatePayloadKeyText(id = `local-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

const text = (s: string) => new TextEncoder().encode(s);
const fromText = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: PayloadKeys) {
    this.byId = new Map([...keys.old, keys.current].map((k) => [k.id, k.key]));
    if (this.byId.size !== keys.old.length + 1) throw new Error('payload key ids must be distinct');
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.current;
    return payloads.map((payload) => {
      const clear = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id)); // a ciphertext cannot be passed off under another key id
      const body = Buffer.concat([cipher.update(clear), cipher.final()]);
      return {
        metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text(id) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption (saved replay histories, old runs) pass through.
      if (fromText(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = fromText(payload.metadata?.[KEY_ID_METADATA]);
      const key = id === undefined ? undefined : this.byId.get(id);
      if (!id || !key) throw new Error(`no payload key with id ${JSON.stringify(id ?? '')}: add it to TEMPORAL_PAYLOAD_KEYS_OLD`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const clear = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(clear);
    });
  }
}

export function createPayloadCodec(keys: PayloadKeys): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(keys);
}

function isEncryptedPayload(v: unknown): v is Payload {
  if (!v || typeof v !== 'object') return false;
  const metadata = (v as Payload).metadata;
  return !!metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array && fromText(metadata.encoding) === ENCRYPTED_ENCODING;
}

/**
 * Decodes, in place, every encrypted payload found anywhere in a proto object (a fetched history),
 * e.g. to save a replay history that does not depend on the key of one test run.
 */
export async function decodePayloadsDeep<T>(value: T, codecs: readonly PayloadCodec[]): Promise<T> {
  const decode = async (payload: Payload) => {
    let decoded = [payload];
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    return decoded[0];
  };
  const visit = async (node: unknown): Promise<unknown> => {
    if (isEncryptedPayload(node)) return decode(node);
    if (!node || typeof node !== 'object' || node instanceof Uint8Array) return node;
    for (const [k, child] of Object.entries(node)) {
      const decoded = await visit(child);
      if (decoded !== child) (node as Record<string, unknown>)[k] = decoded;
    }
    return node;
  };
  return (await visit(value)) as T;
}

/**
 * The failure converter module (encodes failure messages so the codec encrypts them). A prebuilt
 * workflow bundle must be made with it: `bundleWorkflowCode({ ..., failureConverterPath: FAILURE_CONVERTER_PATH })`.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter of every Temporal client and worker of the product. */
export function encryptingDataConverter(keys: PayloadKeys): { payloadCodecs: PayloadCodec[]; failureConverterPath: string } {
  return { payloadCodecs: [createPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
