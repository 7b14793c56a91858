// A form's failure, announced as it appears.

/** Shows `message` as an alert (nothing when null). */
export function FormAlert({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null
  return (
    <p class="error" role="alert" data-testid={testId}>
      {message}
    </p>
  )
}
