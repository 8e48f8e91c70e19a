// Copies the non-TypeScript peer agents (Go, Python) next to the compiled drivers in dist/.
import { cpSync } from 'node:fs';

for (const file of ['peers/pion/main.go', 'peers/pion/media.go', 'peers/aiortc/agent.py']) cpSync(`src/${file}`, `dist/${file}`);
