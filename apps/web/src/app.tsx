export function App() {
  return (
    <main>
      <h1>Rowflow</h1>
      <p>Streaming test data for PostgreSQL.</p>
    </main>
  );
}
