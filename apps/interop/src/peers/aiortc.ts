// aiortc 1.4 (Python): peers/aiortc/agent.py on Debian's /usr/bin/python3 (the python3 first on
// PATH may be another interpreter without aiortc), with aioice kept on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessDriver, type PeerSpec } from '../driver.js';

const python = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const script = join(dirname(fileURLToPath(import.meta.url)), 'aiortc', 'agent.py');

export const aiortc: PeerSpec = {
  name: 'aiortc',
  async available() {
    const probe = spawnSync(python, ['-c', 'import aiortc, aioice'], { stdio: 'ignore' });
    return probe.status === 0 ? null : `${python} cannot import aiortc (Debian python3-aiortc)`;
  },
  async start(context) {
    const [command, args] = context.wrap(python, ['-u', script]);
    return ProcessDriver.start('aiortc', command, args, { PYTHONDONTWRITEBYTECODE: '1' });
  },
};
