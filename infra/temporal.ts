import { readFileSync } from 'node:fs';
import { Client, Connection, ConnectionOptions, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import { requirePayloadKeys, type Config } from './config';
import { encryptingDataConverter } from './codec';

/** TLS and API-key settings shared by the client connection (API) and the native one (worker). */
function connectionOptions(config: Config, address: string): ConnectionOptions & NativeConnectionOptions {
  const tlsWanted = config.TEMPORAL_TLS === 'true' || !!config.TEMPORAL_TLS_CERT_PATH || !!config.TEMPORAL_API_KEY;
  const tls = tlsWanted
    ? {
        serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
        serverRootCACertificate: config.TEMPORAL_TLS_CA_PATH ? readFileSync(config.TEMPORAL_TLS_CA_PATH) : undefined,
        clientCertPair:
          config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
            ? { crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: readFileSync(config.TEMPORAL_TLS_KEY_PATH) }
            : undefined,
      }
    : undefined;
  return { address, tls, apiKey: config.TEMPORAL_API_KEY };
}

/**
 * gRPC retries of the API's client: a few quick ones (about 1 s), not the SDK's default of ~20 s,
 * so that an unreachable Temporal answers 503 with Retry-After within seconds; the caller retries.
 */
export const apiGrpcInterceptors = () => [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))];

/** A client whose payloads are encrypted with the configured key (refuses to start without one). */
export async function connectClient(config: Config, address: string): Promise<Client> {
  const dataConverter = encryptingDataConverter(requirePayloadKeys(config));
  const connection = await Connection.connect({ ...connectionOptions(config, address), interceptors: apiGrpcInterceptors() });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

export async function connectNative(config: Config, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
