import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * Keeps one broken section (e.g. an unexpected payload) from blanking the whole page: it shows
 * what went wrong and a way back, while the other sections keep working.
 */
export class SectionBoundary extends Component<{ name: string; children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The page has no logger service; the console is where a browser user (or a test) looks.
    console.error(`[rowflow] ${this.props.name} crashed`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="card" role="alert">
        <h2>{this.props.name}</h2>
        <p className="error">This section hit an unexpected error: {this.state.error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </section>
    );
  }
}
