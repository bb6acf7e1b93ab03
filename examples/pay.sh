#!/usr/bin/env bash
# A payment with a one-time code: the back office sets up a customer and a store, the
# phone gets a code, the register redeems it. Runs against a server started with
# `npm start` (API and ADMIN_TOKEN override where it is and its admin token).
source "$(dirname "$0")/lib.sh"

echo "1. The back office enrolls a customer and creates a store with a register key."
gql "$ADMIN" 'mutation ($phone: String!) { enrollCustomer(input: {phone: $phone, name: "Hanako", password: "correct horse"}) { id } }' \
  "$(jq -nc --arg phone "$PHONE_NUMBER" '{phone: $phone}')" >/dev/null
STORE=$(gql "$ADMIN" 'mutation { createStore(name: "Corner Store", currency: "JPY") { id } }' | jq -r .createStore.id)
REGISTER=$(gql "$ADMIN" 'mutation ($store: ID!) { issueApiKey(role: REGISTER, ownerId: $store) { key } }' \
  "$(jq -nc --arg store "$STORE" '{store: $store}')" | jq -r .issueApiKey.key)

echo "2. The phone logs in, adds a card once, and puts it in the wallet."
PHONE=$(gql "" 'mutation ($phone: String!) { login(phone: $phone, password: "correct horse") { token } }' \
  "$(jq -nc --arg phone "$PHONE_NUMBER" '{phone: $phone}')" | jq -r .login.token)
CARD=$(gql "$PHONE" 'mutation { addCard(input: {pan: "4242424242424242", expiryMonth: 12, expiryYear: 2030, holderName: "HANAKO", kind: CREDIT, institution: "Test Card Co."}) { id } }' | jq -r .addCard.id)
CARD_VARS=$(jq -nc --arg card "$CARD" '{card: $card}')
gql "$PHONE" 'mutation ($card: ID!) { setCardStatus(cardId: $card, status: AVAILABLE, password: "correct horse") { status } }' "$CARD_VARS" >/dev/null

echo "3. The phone asks for a one-time code (qrSvg / qrPng are the QR to show)."
CODE=$(gql "$PHONE" 'mutation ($card: ID!) { issuePaymentCode(cardId: $card, password: "correct horse") { code } }' "$CARD_VARS" | jq -r .issuePaymentCode.code)

echo "4. The register scans it, looks it up, and redeems it for the sale."
CODE_VARS=$(jq -nc --arg code "$CODE" --arg key "receipt-$RUN" '{code: $code, key: $key}')
gql "$REGISTER" 'query ($code: String!) { lookupCode(code: $code) { kind card { brand last4 } } }' "$(jq -c '{code}' <<<"$CODE_VARS")"
gql "$REGISTER" 'mutation ($code: String!, $key: String!) { redeemCode(code: $code, sale: {amount: 1200, currency: "JPY"}, idempotencyKey: $key) { status approvalNumber } }' "$CODE_VARS"

echo "5. The phone sees it in its history."
gql "$PHONE" '{ payments { nodes { status amount storeName approvalNumber card { last4 } } } }'
