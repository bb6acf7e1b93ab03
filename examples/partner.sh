#!/usr/bin/env bash
# A bill paid in cash at a convenience store: a utility posts a bill for a phone number,
# the phone shows the bill code, the store's register collects it, and the utility reads
# the bill as paid.
source "$(dirname "$0")/lib.sh"

echo "1. The back office creates the utility with a partner key, a store with a register key, and enrolls a customer."
UTILITY=$(gql "$ADMIN" 'mutation { createPartner(name: "City Water") { id } }' | jq -r .createPartner.id)
PARTNER=$(gql "$ADMIN" 'mutation ($owner: ID!) { issueApiKey(role: PARTNER, ownerId: $owner) { key } }' \
  "$(jq -nc --arg owner "$UTILITY" '{owner: $owner}')" | jq -r .issueApiKey.key)
STORE=$(gql "$ADMIN" 'mutation { createStore(name: "Corner Store", currency: "JPY") { id } }' | jq -r .createStore.id)
REGISTER=$(gql "$ADMIN" 'mutation ($owner: ID!) { issueApiKey(role: REGISTER, ownerId: $owner) { key } }' \
  "$(jq -nc --arg owner "$STORE" '{owner: $owner}')" | jq -r .issueApiKey.key)
PHONE_VARS=$(jq -nc --arg phone "$PHONE_NUMBER" '{phone: $phone}')
gql "$ADMIN" 'mutation ($phone: String!) { enrollCustomer(input: {phone: $phone, name: "Jiro", password: "correct horse"}) { id } }' "$PHONE_VARS" >/dev/null

echo "2. The utility posts a bill due in two weeks."
DUE=$(date -u -d '+14 days' +%Y-%m-%dT%H:%M:%SZ)
BILL=$(gql "$PARTNER" 'mutation ($phone: String!, $reference: String!, $due: DateTime!) { postBill(input: {customerPhone: $phone, reference: $reference, amount: 4320, currency: "JPY", dueDate: $due, description: "Water, October"}) { id status } }' \
  "$(jq -nc --arg phone "$PHONE_NUMBER" --arg reference "W-$RUN" --arg due "$DUE" '{phone: $phone, reference: $reference, due: $due}')" | jq -r .postBill.id)

echo "3. The phone logs in and shows the bill's code."
PHONE=$(gql "" 'mutation ($phone: String!) { login(phone: $phone, password: "correct horse") { token } }' "$PHONE_VARS" | jq -r .login.token)
CODE=$(gql "$PHONE" 'mutation ($bill: ID!) { issueBillCode(billId: $bill, password: "correct horse") { code } }' \
  "$(jq -nc --arg bill "$BILL" '{bill: $bill}')" | jq -r .issueBillCode.code)

echo "4. The register collects the bill in cash."
gql "$REGISTER" 'mutation ($code: String!, $key: String!) { collectBill(code: $code, tender: CASH, idempotencyKey: $key) { status paidAt paidAtStore } }' \
  "$(jq -nc --arg code "$CODE" --arg key "cash-$RUN" '{code: $code, key: $key}')"

echo "5. The utility sees it paid."
gql "$PARTNER" '{ bills(status: PAID) { reference amount status paidAtStore } }'
