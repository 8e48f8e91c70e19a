export { DropLog } from './drop-log.js';
export { Emitter, type EventMap } from './emitter.js';
export { debugLogger, layerLogger, scopedLogger, silentLogger, type LayerSection, type Logger } from './logger.js';
