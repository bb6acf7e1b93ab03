import { render, type ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";
import { onLangChange } from "./shared/i18n";
import { LanguageSwitch } from "./shared/LanguageSwitch";
import { words } from "./shared/words";

/** Each role's screens load on their own, so the phone never downloads the register's QR reader. */
const SCREENS: Record<string, { title: () => string; load: () => Promise<ComponentType> }> = {
  phone: { title: () => words.screenPhone, load: () => import("./phone/Phone").then((m) => m.Phone) },
  register: { title: () => words.screenRegister, load: () => import("./register/Register").then((m) => m.Register) },
  gate: { title: () => words.screenGate, load: () => import("./gate/Gate").then((m) => m.Gate) },
};

const screenOf = () => location.hash.replace(/^#\/?/, "");

function App() {
  const [name, setName] = useState(screenOf);
  const [Screen, setScreen] = useState<ComponentType | null>(null);
  // A new language draws every screen again from here: the words are read at each render.
  const [language, setLanguage] = useState(0);
  useEffect(() => onLangChange(() => setLanguage((n) => n + 1)), []);
  useEffect(() => {
    const changed = () => setName(screenOf());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  useEffect(() => {
    const screen = SCREENS[name];
    setScreen(null);
    if (screen) void screen.load().then((component) => setScreen(() => component));
  }, [name]);
  useEffect(() => {
    const screen = SCREENS[name];
    document.title = screen ? `${screen.title()} · wallet-center` : "wallet-center";
  }, [name, language]);
  if (!SCREENS[name]) {
    return (
      <main class="narrow">
        <LanguageSwitch />
        <h1>wallet-center</h1>
        <p>{words.chooseScreen}</p>
        <ul class="choices">
          {Object.entries(SCREENS).map(([key, screen]) => (
            <li key={key}>
              <a class="button primary big" href={`#/${key}`}>
                {screen.title()}
              </a>
            </li>
          ))}
        </ul>
      </main>
    );
  }
  return Screen ? <Screen /> : <p aria-live="polite">{words.loading}</p>;
}

render(<App />, document.getElementById("root")!);
