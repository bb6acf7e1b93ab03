import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

/** A certificate authority standing in for Apple's WWDR, and a pass type certificate it issued. */
export interface DevPassCertificates {
  wwdr: string;
  /** The stand-in authority's key: a test issues other certificates with it (an APNs stand-in's). */
  wwdrKey: string;
  certificate: string;
  key: string;
}

const DAY_MS = 86_400_000;

/**
 * Generated certificates for development and tests: an authority in Apple WWDR's place
 * and a pass type certificate issued by it, named as Apple names its own (the pass type
 * identifier as the user id, "Pass Type ID: ..." as the common name). Keys are made by
 * node:crypto (fast), certificates by node-forge. Wallet on a real phone trusts none of
 * them; docs/passes.md says how an operator obtains the real ones.
 */
export function devPassCertificates(passTypeId: string, teamId: string): DevPassCertificates {
  const authority = rsaKeyPair();
  const authorityName = [
    { name: "commonName", value: "Wallet Center Development WWDR Stand-in" },
    { name: "organizationName", value: "Wallet Center Development" },
  ];
  const wwdr = issue(authorityName, authorityName, authority.publicKey, authority.privateKey, { authority: true });
  const signer = rsaKeyPair();
  const certificate = issue(
    [
      { type: "0.9.2342.19200300.100.1.1", value: passTypeId },
      { name: "commonName", value: `Pass Type ID: ${passTypeId}` },
      { name: "organizationalUnitName", value: teamId },
      { name: "organizationName", value: "Wallet Center Development" },
    ],
    authorityName,
    signer.publicKey,
    authority.privateKey,
    { authority: false, clientAuth: true },
  );
  return { wwdr, wwdrKey: authority.privateKey, certificate, key: signer.privateKey };
}

/** A server certificate for `hostnames`, issued by the authority of `certificates` (a test's APNs stand-in). */
export function devServerCertificate(certificates: DevPassCertificates, hostnames: string[]): { certificate: string; key: string } {
  const pair = rsaKeyPair();
  const authority = forge.pki.certificateFromPem(certificates.wwdr);
  const certificate = issue(
    [{ name: "commonName", value: hostnames[0] }],
    authority.subject.attributes.map(({ name, value }) => ({ name, value })),
    pair.publicKey,
    certificates.wwdrKey,
    { authority: false, serverNames: hostnames },
  );
  return { certificate, key: pair.privateKey };
}

function rsaKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

type Attributes = Array<{ name?: string; type?: string; value: unknown }>;

function issue(
  subject: Attributes,
  issuer: Attributes,
  publicKeyPem: string,
  issuerKeyPem: string,
  use: { authority: boolean; clientAuth?: boolean; serverNames?: string[] },
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 825 * DAY_MS);
  cert.setSubject(subject as forge.pki.CertificateField[]);
  cert.setIssuer(issuer as forge.pki.CertificateField[]);
  cert.setExtensions(
    use.authority
      ? [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
          { name: "subjectKeyIdentifier" },
        ]
      : [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
          { name: "extKeyUsage", clientAuth: use.clientAuth ?? false, serverAuth: Boolean(use.serverNames) },
          ...(use.serverNames ? [{ name: "subjectAltName", altNames: use.serverNames.map((name) => (/^[\d.]+$/.test(name) ? { type: 7, ip: name } : { type: 2, value: name })) }] : []),
        ],
  );
  cert.sign(forge.pki.privateKeyFromPem(issuerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
