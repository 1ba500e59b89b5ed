/** Entry of the graph editor webview (bundled to dist/webview/editor.js; its CSS to editor.css). */
import '@xyflow/react/dist/style.css';
import '../../media/editor.css';
import './sidePanel.css';
import './elements';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
