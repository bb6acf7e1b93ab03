# Shared by the example scripts: where the server is, the admin token, and gql, which
# sends one GraphQL operation and prints its data (or its errors, and stops the script).
# Needs curl and jq.
set -euo pipefail
API=${API:-http://localhost:4000/graphql}
ADMIN=${ADMIN_TOKEN:-$(cat "${DATA_DIR:-data}/admin-token")}

# gql <bearer token or ""> <query> [variables as JSON]
gql() {
  local body answer
  body=$(jq -nc --arg query "$2" --argjson variables "${3:-{\}}" '{query: $query, variables: $variables}')
  answer=$(curl -sS "$API" -H 'content-type: application/json' ${1:+-H "authorization: Bearer $1"} -d "$body")
  if [ "$(jq '.errors != null' <<<"$answer")" = true ]; then
    echo "error: $(jq -c '.errors' <<<"$answer")" >&2
    exit 1
  fi
  jq -c '.data' <<<"$answer"
}

# A phone number and keys of our own on every run, so a script can run again and again.
RUN=$(printf "%08d" $(( $(od -An -N4 -tu4 /dev/urandom) % 100000000 )))
PHONE_NUMBER="+8190${RUN}"
