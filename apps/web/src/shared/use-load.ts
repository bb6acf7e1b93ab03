import { useEffect, useState } from "preact/hooks";
import { errorWords } from "./words";

/** Loads once (and again on reload()); the value, or the failure as a sentence (`words` writes it). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = [], words: (error: unknown) => string = errorWords) {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (loaded) => current && (setValue(loaded), setProblem(null)),
      (error) => current && setProblem(words(error)),
    );
    return () => void (current = false);
  }, [...deps, round]);
  return { value, setValue, problem, reload: () => setRound((r) => r + 1) };
}
