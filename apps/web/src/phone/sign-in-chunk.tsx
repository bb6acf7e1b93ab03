import type { ComponentProps } from "preact";
import { useEffect, useState } from "preact/hooks";
import { pw } from "./phone-words";
import type { SignIn as SignInScreen } from "./SignIn";

type Props = ComponentProps<typeof SignInScreen>;

/**
 * Sign-in and sign-up, loaded when they are first shown: they are the only screens
 * that enter phone numbers, and libphonenumber-js (its metadata of every country) is
 * most of their weight, which a signed-in phone opening its wallet never needs. The
 * service worker precaches the chunk with the rest of the build, so it loads with no
 * network too.
 */
export function SignIn(props: Props) {
  const [Screen, setScreen] = useState<typeof SignInScreen | null>(null);
  useEffect(() => {
    let current = true;
    void import("./SignIn").then((m) => current && setScreen(() => m.SignIn));
    return () => void (current = false);
  }, []);
  return Screen ? <Screen {...props} /> : <p aria-live="polite">{pw.opening}</p>;
}
