/** The webview side of the VS Code API: typed posting, and view state kept across hide/show and reloads. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Call once per page (VS Code allows one acquireVsCodeApi per webview load). */
export function vscodeApi<Message, State extends object>() {
  const api = acquireVsCodeApi();
  const load = (): State => {
    const s = api.getState();
    return (s && typeof s === 'object' ? s : {}) as State;
  };
  return {
    post(message: Message): void {
      api.postMessage(message);
    },
    loadViewState: load,
    saveViewState(patch: Partial<State>): void {
      api.setState({ ...load(), ...patch });
    },
  };
}
