import { KeyRing, deriveKey } from "./key-ring";
import { KeyedHash } from "./keyed-hash";
import { Sealer } from "./sealer";

/** One purpose's configured keys: the current one (if set) and older ones that still read. */
export interface OwnKeys {
  current?: Buffer;
  previous: Buffer[];
}

export interface KeyMaterial {
  /** CARD_KEY and CARD_KEYS_PREVIOUS. */
  card: { current: Buffer; previous: Buffer[] };
  /** CODE_HASH_KEY and CODE_HASH_KEYS_PREVIOUS. */
  codeHash: OwnKeys;
  /** CARD_FINGERPRINT_KEY and CARD_FINGERPRINT_KEYS_PREVIOUS. */
  cardFingerprint: OwnKeys;
  /** WEBHOOK_SECRET_KEY and WEBHOOK_SECRET_KEYS_PREVIOUS. */
  webhookSecret: OwnKeys;
  /** CUSTOMER_NUMBER_KEY. */
  customerNumber?: Buffer;
}

/**
 * The server's symmetric keys, one ring per purpose, so each can be rotated on its own:
 *   cards           AES-256-GCM of card numbers (key id in cards.panKeyId)
 *   codes           HMAC of one-time codes (key id in wallet_codes.codeKeyId)
 *   fingerprints    HMAC of card numbers, to find a card added twice (cards.panFingerprintKeyId)
 *   webhookSecrets  AES-256-GCM of partners' webhook secrets (partners.webhookSecretKeyId)
 *   customerNumber  HMAC of a customer and a store: the number that store's registers show
 *
 * Why own keys in the environment rather than data keys wrapped under one master key:
 * an operator keeps these in the secret store that already holds CARD_KEY and rotates
 * one by changing one variable and restarting; no key lives in the database, no instance
 * ever generates one, and no instance can disagree with another about which is current
 * beyond a rolling restart (the README's "Rotating keys" covers that window).
 *
 * A purpose whose own key is not set derives it from CARD_KEY with HKDF, exactly as the
 * server always has, so data made before these variables existed keeps its meaning; and
 * each of its earlier keys derives from CARD_KEYS_PREVIOUS, so rotating CARD_KEY alone
 * keeps every code, fingerprint and webhook secret readable. A purpose with its own key
 * still reads what was made under the keys derived from every configured card key: that
 * is how data from before the own key was set stays readable, and it costs nothing on a
 * hot path (sealed data names its key; a code is hashed under earlier keys only when its
 * current hash finds nothing).
 */
export interface PurposeKeys {
  cards: Sealer;
  codes: KeyedHash;
  fingerprints: KeyedHash;
  webhookSecrets: Sealer;
  /**
   * The HMAC key partners' webhook secrets were derived from before each partner's secret
   * was stored (from the current CARD_KEY): how an existing partner's secret is recovered.
   */
  legacyWebhookKey: Buffer;
  /**
   * The one key of customer numbers (kernel/customer-numbers.service.ts). A number is shown, never looked
   * up, so it has no earlier keys: whatever key makes it is the number. Its own, so no
   * other purpose's rotation changes it; derived from CARD_KEY only while it is unset.
   */
  customerNumber: Buffer;
}

/** Where the keys of each purpose are configured, for messages about a missing one. */
export const CARD_KEY_VARIABLES = "CARD_KEY or CARD_KEYS_PREVIOUS";
const orDerived = (own: string) => `${own} (or ${CARD_KEY_VARIABLES}, for the key derived from a card key while ${own.split(" ")[0]} was unset)`;
export const CODE_HASH_VARIABLES = orDerived("CODE_HASH_KEY or CODE_HASH_KEYS_PREVIOUS");
export const CARD_FINGERPRINT_VARIABLES = orDerived("CARD_FINGERPRINT_KEY or CARD_FINGERPRINT_KEYS_PREVIOUS");
export const WEBHOOK_SECRET_VARIABLES = orDerived("WEBHOOK_SECRET_KEY or WEBHOOK_SECRET_KEYS_PREVIOUS");

/** HKDF "info" of each derived key; changing one would change what stored data means. */
const DERIVED = {
  codeHash: "wallet-center code hash",
  cardFingerprint: "wallet-center pan fingerprint",
  legacyWebhookSecrets: "wallet-center webhook secrets",
  webhookSecret: "wallet-center webhook secret sealing",
  customerNumber: "wallet-center customer number",
} as const;

export function purposeKeys(material: KeyMaterial): PurposeKeys {
  const { card } = material;
  const cardKeys = [card.current, ...card.previous];
  const ring = (own: OwnKeys, info: string): KeyRing =>
    new KeyRing(own.current ?? deriveKey(card.current, info), [...own.previous, ...cardKeys.map((key) => deriveKey(key, info))]);
  return {
    cards: new Sealer(new KeyRing(card.current, card.previous), CARD_KEY_VARIABLES),
    codes: new KeyedHash(ring(material.codeHash, DERIVED.codeHash)),
    fingerprints: new KeyedHash(ring(material.cardFingerprint, DERIVED.cardFingerprint)),
    webhookSecrets: new Sealer(ring(material.webhookSecret, DERIVED.webhookSecret), WEBHOOK_SECRET_VARIABLES),
    legacyWebhookKey: deriveKey(card.current, DERIVED.legacyWebhookSecrets),
    customerNumber: material.customerNumber ?? deriveKey(card.current, DERIVED.customerNumber),
  };
}
