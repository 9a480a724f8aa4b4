import { mix, png } from '@deputy/plugin-deputies';

/**
 * Small real PNG pictures for the demo town (drawn here, no file shipped): a citizen's photo of the matter (a
 * village road with puddles under a grey sky) and the scan of a signed mediation agreement (lines and a red seal).
 */
const W = 160;
const H = 120;

/** A village road running into the hills, with puddles in its potholes; `variant` moves the road and the puddles. */
export function roadPhoto(variant: number): Buffer {
  const horizon = 44 + (variant % 4) * 3;
  const bend = ((variant * 7) % 11) - 5;
  return png(W, H, (x, y) => {
    if (y < horizon) return mix([170, 175, 185], [215, 218, 222], y / horizon);
    const depth = (y - horizon) / (H - horizon);
    const centre = W / 2 + bend * (1 - depth) * 6;
    const half = 6 + depth * 62;
    if (Math.abs(x - centre) < half) {
      for (let k = 0; k < 3; k++) {
        const px = centre + (((variant + k * 5) % 7) - 3) * half * 0.18;
        const py = horizon + (H - horizon) * (0.35 + k * 0.22);
        if (((x - px) / (8 + k * 4)) ** 2 + ((y - py) / (3 + k * 1.5)) ** 2 < 1) return [120, 135, 150];
      }
      return (x * 3 + y * 5 + variant) % 17 === 0 ? [110, 105, 95] : mix([150, 145, 135], [125, 120, 110], depth);
    }
    const hill = horizon + Math.round(4 * Math.sin((x + variant * 13) / 15));
    if (y < hill + 6) return [85, 120, 80];
    return mix([100, 145, 70], [75, 115, 55], depth);
  });
}

/** The scan of a signed agreement: a page of lines, the signatures and the red seal of the mediation committee. */
export function agreementScan(variant: number): Buffer {
  const sealX = 112 + (variant % 3) * 6;
  const sealY = 92;
  return png(W, H, (x, y) => {
    if (x < 12 || x >= W - 12 || y < 4 || y >= H - 4) return [110, 105, 100];
    const d = Math.hypot(x - sealX, y - sealY);
    if (d >= 12 && d < 15) return [200, 40, 40];
    if (d < 4) return [210, 60, 60];
    if (y >= 8 && y < 12 && x > 55 && x < 105) return [40, 40, 50];
    const line = (y - 20) % 8 < 2 && y > 18 && y < 80 && x > 22 && x < W - 22 - ((y * 7 + variant * 11) % 28);
    if (line) return [70, 70, 80];
    const signature = y > 86 && y < 100 && x > 24 && x < 80 && Math.abs(y - 93 - 4 * Math.sin(x / 4)) < 1;
    if (signature) return [30, 30, 120];
    return [250, 248, 240];
  });
}
