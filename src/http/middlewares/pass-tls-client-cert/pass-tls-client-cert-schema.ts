import { boolean, object, type Infer } from '../../../config/schema.js';

/** `passTLSClientCert`: which parts of the client certificate go to the server in headers. */
export const passTlsClientCertSchema = object({
  pem: boolean(),
  info: object({
    notAfter: boolean(),
    notBefore: boolean(),
    sans: boolean(),
    serialNumber: boolean(),
    subject: object({
      country: boolean(),
      province: boolean(),
      locality: boolean(),
      organization: boolean(),
      organizationalUnit: boolean(),
      commonName: boolean(),
      serialNumber: boolean(),
      domainComponent: boolean(),
    }),
    issuer: object({
      country: boolean(),
      province: boolean(),
      locality: boolean(),
      organization: boolean(),
      commonName: boolean(),
      serialNumber: boolean(),
      domainComponent: boolean(),
    }),
  }),
});

export type PassTlsClientCertConfig = Infer<typeof passTlsClientCertSchema>;
