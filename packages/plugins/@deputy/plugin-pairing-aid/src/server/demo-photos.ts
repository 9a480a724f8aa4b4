import { mix, png } from '@deputy/plugin-deputies';
import type { RGB } from '@deputy/plugin-deputies';

/**
 * Small real PNG pictures for the demo town's visit photos and proof documents (drawn here, no file shipped):
 * a farmhouse under the sky for a home visit, a page with lines and a red seal for a proof.
 */
const W = 160;
const H = 120;

/** A farmhouse with a tiled roof among green hills; `variant` changes the light, walls and hills. */
export function housePhoto(variant: number): Buffer {
  const skies: RGB[][] = [
    [
      [120, 170, 230],
      [210, 230, 250],
    ],
    [
      [150, 180, 210],
      [230, 230, 225],
    ],
    [
      [235, 170, 120],
      [250, 220, 170],
    ],
  ];
  const [skyTop, skyLow] = skies[variant % skies.length];
  const wall: RGB = [
    [235, 225, 205],
    [200, 150, 110],
    [225, 225, 225],
  ][Math.floor(variant / 3) % 3] as RGB;
  const hill = 70 + (variant % 5) * 4;
  const houseX = 40 + ((variant * 17) % 50);
  return png(W, H, (x, y) => {
    const ground = 82 + Math.round(6 * Math.sin((x + variant * 13) / 18));
    const houseTop = 50;
    const inHouse = x >= houseX && x < houseX + 56 && y >= houseTop + 14 && y < ground + 4;
    const roof =
      y >= houseTop &&
      y < houseTop + 16 &&
      Math.abs(x - (houseX + 28)) <= 34 - (y - houseTop) * 0.2 &&
      y - houseTop >= Math.abs(x - (houseX + 28)) * 0.45 - 4;
    if (roof) return (x + y) % 4 === 0 ? [60, 60, 70] : [90, 90, 100];
    if (inHouse) {
      const door = x >= houseX + 24 && x < houseX + 34 && y >= ground - 16;
      const win =
        ((x >= houseX + 7 && x < houseX + 19) || (x >= houseX + 39 && x < houseX + 51)) &&
        y >= houseTop + 22 &&
        y < houseTop + 32;
      if (door) return [120, 70, 40];
      if (win) return [70, 110, 150];
      return wall;
    }
    if (y >= ground) return mix([110, 160, 70], [70, 120, 50], (y - ground) / (H - ground));
    const hillLine = hill + Math.round(10 * Math.sin((x + variant * 29) / 23));
    if (y >= hillLine) return mix([80, 130, 80], [60, 110, 60], (y - hillLine) / 20);
    return mix(skyTop, skyLow, y / hill);
  });
}

/** A page of text lines with a red seal (an agreement, a receipt, an approval form). */
export function documentPhoto(variant: number): Buffer {
  const sealX = 110 + (variant % 3) * 8;
  const sealY = 88 - (variant % 2) * 6;
  return png(W, H, (x, y) => {
    if (x < 14 || x >= W - 14 || y < 6 || y >= H - 6) return [120, 110, 100];
    const d = Math.hypot(x - sealX, y - sealY);
    if (d >= 13 && d < 16) return [200, 40, 40];
    if (d < 5) return [210, 60, 60];
    const line = (y - 16) % 9 < 2 && y > 14 && y < 100 && x > 24 && x < W - 24 - ((y * 7 + variant * 11) % 30);
    if (line) return [70, 70, 80];
    return [250, 248, 240];
  });
}
