import type { AuthorizationRequest, AuthorizationResult, CardInstitution, TransactionReport } from "../services/institutions/institution";
import type { InstitutionCall, InstitutionOutcome, WalletMetrics } from "./wallet-metrics";

/**
 * The card institution as the services see it, with every call's time and outcome
 * counted, so the payment code says nothing about metrics. A call whose signal aborts
 * (the caller stopped waiting) counts as a timeout at that moment, also when a connector
 * does not heed the signal and answers later.
 */
export function meteredInstitution(institution: CardInstitution, metrics: WalletMetrics): CardInstitution {
  return {
    authorize: (request: AuthorizationRequest, signal: AbortSignal) =>
      metered(metrics, "authorize", signal, institution.authorize(request, signal), (result: AuthorizationResult) =>
        result.approved ? "approved" : "declined",
      ),
    reverse: (paymentId: string, signal: AbortSignal) => metered(metrics, "reverse", signal, institution.reverse(paymentId, signal), () => "ok"),
    report: (report: TransactionReport, signal: AbortSignal) => metered(metrics, "report", signal, institution.report(report, signal), () => "ok"),
    capture: (paymentId: string, amount: number, signal: AbortSignal) =>
      metered(metrics, "capture", signal, institution.capture(paymentId, amount, signal), () => "ok"),
    releaseAuthorization: (paymentId: string, signal: AbortSignal) =>
      metered(metrics, "release", signal, institution.releaseAuthorization(paymentId, signal), () => "ok"),
  };
}

function metered<T>(
  metrics: WalletMetrics,
  call: InstitutionCall,
  signal: AbortSignal,
  work: Promise<T>,
  outcomeOf: (result: T) => InstitutionOutcome,
): Promise<T> {
  const started = performance.now();
  let counted = false;
  const count = (outcome: InstitutionOutcome) => {
    if (counted) return;
    counted = true;
    signal.removeEventListener("abort", onAbort);
    metrics.institutionCall(call, outcome, (performance.now() - started) / 1000);
  };
  const onAbort = () => count("timeout");
  if (signal.aborted) count("timeout");
  else signal.addEventListener("abort", onAbort, { once: true });
  return work.then(
    (result) => {
      count(outcomeOf(result));
      return result;
    },
    (error: unknown) => {
      count(signal.aborted ? "timeout" : "error");
      throw error;
    },
  );
}
