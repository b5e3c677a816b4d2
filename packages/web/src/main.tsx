import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserClient } from './app/api-client';
import { App } from './app/app';
import './app/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const events = new EventTarget();
createRoot(root).render(
  <StrictMode>
    <App client={createBrowserClient(events)} events={events} />
  </StrictMode>,
);
