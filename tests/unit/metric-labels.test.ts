import { parse, type OperationDefinitionNode } from "graphql";
import { declineLabel, destinationLabel, operationOf, outcomeOf, statusLabel } from "../../src/metrics/labels";

const known = new Set(["redeemCode", "login"]);
const operation = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;

// Label values a stranger could choose would let them grow the series without end.
describe("metric labels come from fixed sets", () => {
  it("names an operation by its root field, never by the client's operation name", () => {
    expect(operationOf(operation("mutation Anything { redeemCode(code: 1) { id } }"), known)).toBe("redeemCode");
    expect(operationOf(operation("mutation { a: login(p: 1) { t } b: login(p: 2) { t } }"), known)).toBe("login");
    expect(operationOf(operation("mutation { login(p: 1) { t } redeemCode(c: 1) { id } }"), known)).toBe("multiple");
    expect(operationOf(operation("query { madeUpField }"), known)).toBe("other");
    expect(operationOf(operation("query { ... on Query { login } }"), known)).toBe("other");
    expect(operationOf(undefined, known)).toBe("other");
  });

  it("takes an outcome only from the contract's codes", () => {
    expect(outcomeOf(undefined)).toBe("ok");
    expect(outcomeOf([{ extensions: { code: "CODE_INVALID" } }, { extensions: { code: "RATE_LIMITED" } }])).toBe("CODE_INVALID");
    expect(outcomeOf([{ extensions: { code: "INTERNAL_SERVER_ERROR" } }])).toBe("INTERNAL_SERVER_ERROR");
    expect(outcomeOf([{ extensions: { code: "SOMETHING_A_CLIENT_MADE_UP" } }])).toBe("other");
  });

  it("maps statuses, decline reasons and destinations, and nothing else", () => {
    expect(statusLabel("PENDING_CONFIRMATION")).toBe("pending_confirmation");
    expect(statusLabel("BOGUS")).toBe("other");
    expect(declineLabel(null)).toBe("none");
    expect(declineLabel("insufficient_funds")).toBe("insufficient_funds");
    expect(declineLabel("acquirer said 4242424242424242")).toBe("other");
    expect(destinationLabel("partner:0190c3b2-1111-7000-8000-000000000000")).toBe("partner");
    expect(destinationLabel("institution")).toBe("institution");
    expect(destinationLabel(null)).toBe("other");
  });
});
