#!/usr/bin/env bash
# A ticket admitted at a gate, once: a ticket shop posts a ticket for a phone number, the
# phone shows its ticket code, the gate admits it and refuses it the second time.
source "$(dirname "$0")/lib.sh"

echo "1. The back office creates the ticket shop with a partner key and a gate key, and enrolls a customer."
SHOP=$(gql "$ADMIN" 'mutation { createPartner(name: "Ticket Shop") { id } }' | jq -r .createPartner.id)
SHOP_VARS=$(jq -nc --arg shop "$SHOP" '{shop: $shop}')
PARTNER=$(gql "$ADMIN" 'mutation ($shop: ID!) { issueApiKey(role: PARTNER, ownerId: $shop) { key } }' "$SHOP_VARS" | jq -r .issueApiKey.key)
GATE=$(gql "$ADMIN" 'mutation ($shop: ID!) { issueApiKey(role: GATE, ownerId: $shop) { key } }' "$SHOP_VARS" | jq -r .issueApiKey.key)
PHONE_VARS=$(jq -nc --arg phone "$PHONE_NUMBER" '{phone: $phone}')
gql "$ADMIN" 'mutation ($phone: String!) { enrollCustomer(input: {phone: $phone, name: "Taro", password: "correct horse"}) { id } }' "$PHONE_VARS" >/dev/null

echo "2. The shop creates an event whose doors are open and posts a ticket for the phone number."
DOORS=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
STARTS=$(date -u -d '+40 minutes' +%Y-%m-%dT%H:%M:%SZ)
EVENT=$(gql "$PARTNER" 'mutation ($doors: DateTime!, $starts: DateTime!) { createEvent(input: {title: "Evening Concert", venue: "Hall A", doorsOpenAt: $doors, startsAt: $starts}) { id } }' \
  "$(jq -nc --arg doors "$DOORS" --arg starts "$STARTS" '{doors: $doors, starts: $starts}')" | jq -r .createEvent.id)
gql "$PARTNER" 'mutation ($event: ID!, $phone: String!, $number: String!) { postTicket(input: {eventId: $event, holderPhone: $phone, issueNumber: $number, seat: "A-12"}) { id } }' \
  "$(jq -nc --arg event "$EVENT" --arg phone "$PHONE_NUMBER" --arg number "T-$RUN" '{event: $event, phone: $phone, number: $number}')" >/dev/null

echo "3. The phone logs in, finds the ticket and shows its code."
PHONE=$(gql "" 'mutation ($phone: String!) { login(phone: $phone, password: "correct horse") { token } }' "$PHONE_VARS" | jq -r .login.token)
TICKET=$(gql "$PHONE" '{ tickets { id } }' | jq -r '.tickets[0].id')
CODE=$(gql "$PHONE" 'mutation ($ticket: ID!) { issueTicketCode(ticketId: $ticket, password: "correct horse") { code } }' \
  "$(jq -nc --arg ticket "$TICKET" '{ticket: $ticket}')" | jq -r .issueTicketCode.code)

echo "4. The gate scans it twice: admitted, then denied as already used."
SCAN=$(jq -nc --arg code "$CODE" --arg event "$EVENT" '{code: $code, event: $event}')
gql "$GATE" 'mutation ($code: String!, $event: ID!) { admitTicket(code: $code, eventId: $event, gate: "north") { result reason admittedCount } }' "$SCAN"
gql "$GATE" 'mutation ($code: String!, $event: ID!) { admitTicket(code: $code, eventId: $event, gate: "north") { result reason admittedCount } }' "$SCAN"
