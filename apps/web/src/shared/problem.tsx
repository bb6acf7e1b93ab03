/** What went wrong, read out at once by screen readers; nothing when all is well. */
export function Problem({ text }: { text: string | null | undefined }) {
  return text ? (
    <p role="alert" class="problem">
      {text}
    </p>
  ) : null;
}
