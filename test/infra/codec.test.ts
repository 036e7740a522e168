/**
 * The payload codec and its keys: AES-256-GCM with the key id in the metadata, rotation (old keys
 * still decrypt), clear payloads passed through, bad keys refused with a message that names no key.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { failureConverter } from '../../infra/failure-converter';
import { createPayloadCodec, generatePayloadKeyText, KEY_ID_METADATA, parsePayloadKey } from '../../infra/codec';
import { loadConfig, requirePayloadKeys } from '../../infra/config';

const clear = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const meta = (p: Payload, name: string) => Buffer.from(p.metadata![name]!).toString();

it('encrypts with the current key, names it in the metadata, and decrypts to the same payload', async () => {
  const codec = createPayloadCodec({ current: parsePayloadKey(generatePayloadKeyText('k2')), old: [] });
  const [encrypted] = await codec.encode([clear({ name: 'Ermenegilda' })]);
  expect(meta(encrypted, 'encoding')).toBe('binary/encrypted');
  expect(meta(encrypted, KEY_ID_METADATA)).toBe('k2');
  expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('Ermenegilda');
  const [again] = await codec.encode([clear({ name: 'Ermenegilda' })]);
  expect(Buffer.from(again.data!).equals(Buffer.from(encrypted.data!))).toBe(false); // a fresh IV each time
  const [decoded] = await codec.decode([encrypted]);
  expect(JSON.parse(Buffer.from(decoded.data!).toString())).toEqual({ name: 'Ermenegilda' });
  expect(meta(decoded, 'encoding')).toBe('json/plain');
});

it('still decrypts payloads of an old key after a rotation, and refuses a key id it does not hold', async () => {
  const k1 = parsePayloadKey(generatePayloadKeyText('k1'));
  const k2 = parsePayloadKey(generatePayloadKeyText('k2'));
  const [before] = await createPayloadCodec({ current: k1, old: [] }).encode([clear('prima')]);
  const rotated = createPayloadCodec({ current: k2, old: [k1] });
  const [after] = await rotated.encode([clear('dopo')]);
  expect(meta(after, KEY_ID_METADATA)).toBe('k2');
  const decoded = await rotated.decode([before, after]);
  expect(decoded.map((p) => JSON.parse(Buffer.from(p.data!).toString()))).toEqual(['prima', 'dopo']);
  await expect(createPayloadCodec({ current: k2, old: [] }).decode([before])).rejects.toThrow(/no payload key with id "k1"/);
});

it('passes payloads written before encryption through decode unchanged', async () => {
  const codec = createPayloadCodec({ current: parsePayloadKey(generatePayloadKeyText()), old: [] });
  const plain = clear({ reason: 'vecchia storia' });
  expect(await codec.decode([plain])).toEqual([plain]);
});

it('refuses a payload altered in transit or relabelled with another key id', async () => {
  const k1 = parsePayloadKey(generatePayloadKeyText('k1'));
  const codec = createPayloadCodec({ current: k1, old: [{ id: 'k0', key: k1.key }] });
  const [encrypted] = await codec.encode([clear('x')]);
  const flipped = Buffer.from(encrypted.data!);
  flipped[20] ^= 1;
  await expect(codec.decode([{ ...encrypted, data: flipped }])).rejects.toThrow();
  await expect(codec.decode([{ ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('k0') } }])).rejects.toThrow();
});

it('parses keys with or without id, and the configuration refuses bad keys naming no key material', () => {
  const material = randomBytes(32).toString('base64');
  expect(parsePayloadKey(`prod-2026:${material}`).id).toBe('prod-2026');
  expect(parsePayloadKey(material).id).toMatch(/^k[0-9a-f]{12}$/);
  expect(parsePayloadKey(material).id).toBe(parsePayloadKey(material).id);
  const short = randomBytes(16).toString('base64');
  expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEY: short })).toThrow(/TEMPORAL_PAYLOAD_KEY: the key must be 32 bytes/);
  expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEY: short })).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
  expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEY: material, TEMPORAL_PAYLOAD_KEYS_OLD: `old:${material},bad key` })).toThrow(/TEMPORAL_PAYLOAD_KEYS_OLD: key 2/);
  const config = loadConfig({ TEMPORAL_PAYLOAD_KEY: `new:${material}`, TEMPORAL_PAYLOAD_KEYS_OLD: `old1:${randomBytes(32).toString('base64')}, old2:${randomBytes(32).toString('base64')}` });
  expect(requirePayloadKeys(config).current.id).toBe('new');
  expect(requirePayloadKeys(config).old.map((k) => k.id)).toEqual(['old1', 'old2']);
  expect(() => requirePayloadKeys(loadConfig({}))).toThrow(/TEMPORAL_PAYLOAD_KEY is not set/);
});

it('moves failure messages into an encoded payload, which the codec encrypts', async () => {
  const failure = failureConverter.errorToFailure(ApplicationFailure.retryable('Message failed for recipient anna.verdi@example.org', 'SmtpRefused'), defaultPayloadConverter);
  expect(failure.message).not.toContain('anna.verdi');
  expect(failure.encodedAttributes).toBeDefined();
  const codec = createPayloadCodec({ current: parsePayloadKey(generatePayloadKeyText()), old: [] });
  const [encrypted] = await codec.encode([failure.encodedAttributes as Payload]);
  expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('anna.verdi');
  const [decoded] = await codec.decode([encrypted]);
  expect(failureConverter.failureToError({ ...failure, encodedAttributes: decoded }, defaultPayloadConverter).message).toBe('Message failed for recipient anna.verdi@example.org');
});
