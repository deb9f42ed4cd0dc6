// Rendering helpers: the RGBA rasteriser, the classic-control pictures, GIF/PNG recording.
export { Canvas, rotate, type Color, type Point } from './canvas.js';
export { renderAcrobot, renderCartPole, renderMountainCar, renderPendulum } from './classic.js';
export { encodeGif, encodePngStrip, recordEpisode, writeGif, writePng, writePngStrip, type RecordOptions } from './record.js';
