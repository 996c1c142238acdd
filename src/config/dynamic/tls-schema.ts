import { boolean, list, map, object, required, string, type Infer } from '../schema.js';

/** A certificate and its key, each a file path or inline PEM, as Traefik's FileOrContent. */
const certificatePair = object({
  certFile: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
  keyFile: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
});

const certificateAndStores = object({
  certFile: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
  keyFile: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
  stores: list(string()),
});

const clientAuth = object({
  caFiles: list(string()),
  clientAuthType: string(),
});

export const tlsOptionsSchema = object({
  minVersion: string(),
  maxVersion: string(),
  cipherSuites: list(string()),
  curvePreferences: list(string()),
  clientAuth,
  sniStrict: boolean(),
  alpnProtocols: list(string()),
  disableSessionTickets: boolean(),
  /** Deprecated in Traefik and ignored there too. */
  preferServerCipherSuites: boolean(),
});

const domain = object({ main: string(), sans: list(string()) });

export const tlsStoreSchema = object({
  defaultCertificate: certificatePair,
  defaultGeneratedCert: object({ resolver: string(), domain }),
});

/** The dynamic `tls` section: certificates, options and stores. */
export const tlsSchema = object({
  certificates: list(certificateAndStores),
  options: map(tlsOptionsSchema, { dropInvalidEntries: true }),
  stores: map(tlsStoreSchema, { dropInvalidEntries: true }),
}, { keepValidFields: true });


export type TlsCertificateConfig = Infer<typeof certificateAndStores>;
export type TlsCertificatePair = Infer<typeof certificatePair>;
export type TlsOptionsConfig = Infer<typeof tlsOptionsSchema>;
export type TlsStoreConfig = Infer<typeof tlsStoreSchema>;
export type TlsConfig = Infer<typeof tlsSchema>;
