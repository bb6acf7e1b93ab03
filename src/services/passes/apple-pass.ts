import { PKPass } from "passkit-generator";
import type { ApplePassCredentials } from "./pass-credentials";
import type { PassFace, PassField } from "./pass-faces";
import { PASS_WORDS } from "./pass-words";

/** What makes a face an Apple pass: who issues it, where Wallet asks for updates, and its token. */
export interface ApplePassIssue {
  passTypeId: string;
  teamId: string;
  organization: string;
  serialNumber: string;
  webServiceUrl: string;
  authenticationToken: string;
}

/** The pass's icon (29 and 58 pixels square): Wallet refuses a pass without one. */
const ICON = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAB0AAAAdCAYAAABWk2cPAAAARElEQVR4AcXBAQEAIAyAMKSIjQxoWd9CtrXPfXwmAQlIQAISkIAEJCABCUhAAhKQgAQkIAEJSEACEpCABCQgAQlIQAIDWkMCQIuvYUwAAAAASUVORK5CYII=",
  "base64",
);
const ICON_2X = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAADoAAAA6CAYAAADhu0ooAAAAcklEQVR4AeXBAQEAIAyAME4RGxnQsj4I25z7PgESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESIRESsfuvAnqWB9e0AAAAAElFTkSuQmCC",
  "base64",
);

/**
 * A signed .pkpass (passkit-generator): pass.json from the face, the icon, the manifest
 * of every file's SHA-1, and the PKCS#7 detached signature over the manifest by the pass
 * type certificate, with Apple's WWDR intermediate. Labels and statuses are keys of
 * pass.strings in English and Japanese, so Wallet shows the phone's language.
 */
export function applePass(face: PassFace, issue: ApplePassIssue, credentials: ApplePassCredentials): Buffer {
  const style = face.kind === "TICKET" ? "eventTicket" : "storeCard";
  const passJson = {
    formatVersion: 1,
    passTypeIdentifier: issue.passTypeId,
    teamIdentifier: issue.teamId,
    organizationName: issue.organization,
    description: face.title,
    serialNumber: issue.serialNumber,
    backgroundColor: "rgb(31, 78, 154)",
    foregroundColor: "rgb(255, 255, 255)",
    labelColor: "rgb(220, 230, 245)",
    [style]: {
      primaryFields: face.primary.map(field),
      secondaryFields: face.secondary.map(field),
      auxiliaryFields: face.auxiliary.map(field),
      backFields: face.back.map(field),
    },
  };
  const pass = new PKPass(
    { "pass.json": Buffer.from(JSON.stringify(passJson)), "icon.png": ICON, "icon@2x.png": ICON_2X },
    { wwdr: credentials.wwdr, signerCert: credentials.certificate, signerKey: credentials.key, signerKeyPassphrase: credentials.keyPassphrase },
    { webServiceURL: issue.webServiceUrl, authenticationToken: issue.authenticationToken, voided: face.voided },
  );
  pass.localize("en", { ...PASS_WORDS.en });
  pass.localize("ja", { ...PASS_WORDS.ja });
  if (face.barcode) pass.setBarcodes({ message: face.barcode, format: "PKBarcodeFormatQR", messageEncoding: "iso-8859-1" });
  if (face.relevantDate) pass.setRelevantDates([{ relevantDate: face.relevantDate.toISOString() }]);
  if (face.expiresAt) pass.setExpirationDate(face.expiresAt);
  return pass.getAsBuffer();
}

function field(one: PassField) {
  const value = one.key === "status" ? String(one.value) : one.value;
  return one.date ? { key: one.key, label: one.label, value, dateStyle: "PKDateStyleMedium", timeStyle: "PKDateStyleShort" } : { key: one.key, label: one.label, value };
}
