// Correctly rounded sin and cos for the classic-control physics.
//
// Why: Gymnasium runs on NumPy, whose float64 sin/cos come from the platform libm (glibc on
// Linux), while V8's Math.sin/Math.cos are a different implementation: the two disagree by one
// ulp on about 3 % of arguments, and in chaotic episodes (Acrobot, an open-loop CartPole) a single
// ulp grows until the float32 observations differ. glibc is nearly always correctly rounded
// (it misses on ~0.1-0.5 % of arguments), so returning the correctly rounded value agrees with it
// far more often than Math.sin does, and gives the same numbers on every platform.
//
// Method: Cody–Waite reduction by π/2 in double-double, a table of sin/cos at multiples of 1/64
// (double-double, generated with mpmath), and Taylor polynomials for the remainder d
// (|d| ≤ 1/128; or d = x itself when |x| ≤ 1/4, skipping the table: CartPole's hot path), the
// leading terms carried in double-double, and one final rounding. Error about 2^-70 relative or
// better (no misrounding found on 220k arguments checked against mpmath). Arguments with
// |x| ≥ 1e5, NaN and ±Infinity fall back to Math.sin/Math.cos.

// π/2 = P1 + P2 + P3 + P4; P1..P3 have 33 significant bits so k·Pi is exact for |k| < 2^20.
const P1 = 1.5707963267341256;
const P2 = 6.077100506303966e-11;
const P3 = 2.0222662487111665e-21;
const P4 = 8.4784276603689e-32;
const TWO_OVER_PI = 0.6366197723675814;
const PI_4 = 0.7853981633974483;
const SIXTH_H = 0.16666666666666666;
const SIXTH_L = 9.25185853854297e-18;
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter
// 1/120 and 1/24 as double-doubles, with the high parts pre-split for Dekker products.
const C120_H = 0.008333333333333333;
const C120_L = 1.1564823173178714e-19;
const C24_H = 0.041666666666666664;
const C24_L = 2.3129646346357427e-18;
const C120_HH = SPLIT * C120_H - (SPLIT * C120_H - C120_H);
const C120_HL = C120_H - C120_HH;
const C24_HH = SPLIT * C24_H - (SPLIT * C24_H - C24_H);
const C24_HL = C24_H - C24_HH;

// Rows j = 0..52: sin(j/64) hi, lo, cos(j/64) hi, lo.
// prettier-ignore
const TABLE = new Float64Array([
0.0, 0.0, 1.0, 0.0,
0.015624364224883372, -1.2650937552759816e-19, 0.9998779321710066, 3.216122229972341e-17,
0.03124491398532608, -1.562781562225433e-18, 0.9995117584851364, -3.418806487972947e-17,
0.04685783574813424, -2.3419368365610254e-18, 0.9989015683384429, -2.1425557800399754e-17,
0.0624593178423802, -2.040259504585711e-18, 0.9980475107000991, 3.3232291674141346e-17,
0.07804555138996731, -5.449443782005793e-18, 0.9969497940760287, -1.2467075728553626e-17,
0.09361273123551289, 1.4628632005878733e-18, 0.9956086864580017, 3.312922430932991e-17,
0.10915705687532236, 6.6284699502736666e-18, 0.9940245152582091, 1.3287985046260087e-17,
0.12467473338522769, -2.925947496057858e-18, 0.992197667229329, 4.754870575189364e-17,
0.1401619723470637, -9.946847113883478e-18, 0.9901285883701071, -4.589906353553811e-18,
0.15561499277355603, 8.886053372342288e-18, 0.9878177838164719, 4.91917302237681e-17,
0.17103002203139503, -9.954774726452923e-18, 0.9852658177182139, -4.925721262944555e-17,
0.18640329676226988, 2.3493796901281573e-18, 0.9824733131012553, -3.919920375420088e-17,
0.2017310638016388, 5.587232815460113e-18, 0.9794409517155483, 1.3108769521526758e-17,
0.21700958109501015, 1.1170071073364376e-17, 0.9761694738686353, -7.850690609285027e-18,
0.23223511861151147, -8.318080852687206e-18, 0.9726596782449127, 2.3920264546490165e-17,
0.24740395925452294, -7.53102495590706e-18, 0.9689124217106447, 5.071436662403936e-17,
0.2625123997691533, -2.2534597527902125e-17, 0.964928619104771, -3.0345542681018625e-18,
0.2775567516463363, 1.7674070262791822e-17, 0.9607092430155619, -2.807827063516729e-17,
0.29253334202332754, 7.516944930327352e-18, 0.9562553235431753, -3.148450868841629e-17,
0.30743851458038085, 1.1004366442765296e-19, 0.9515679480481722, -3.8614834675674123e-17,
0.3222686304333866, 2.093773358126606e-17, 0.9466482608860534, -3.911683334934152e-17,
0.33702006902225307, 1.0312279860787216e-17, 0.9414974631278811, -4.8523830236797095e-18,
0.3516892289948141, -2.5616208736069942e-17, 0.9361168122670553, -5.2350302039683216e-17,
0.36627252908604757, -9.938814562106524e-18, 0.9305076219123143, 4.488760003328074e-18,
0.38076640899239017, 2.1372528646211374e-17, 0.924671261467036, 5.5444125388034563e-17,
0.39516733024093426, -1.9613487871414228e-17, 0.9186091557949183, -4.0564150104514996e-17,
0.40947177705329507, -5.679403000091266e-18, 0.9123227848721178, 2.6349040211413332e-17,
0.42367625720393803, -2.331800700068871e-17, 0.9058136834259364, 4.2864666490805214e-17,
0.4377773028727551, 7.64345629962023e-18, 0.8990834405601384, 9.076951775075616e-18,
0.4517714714916838, -8.234073942098903e-18, 0.8921336993669944, 2.3160655211380166e-17,
0.46565534658516017, 1.459870391051426e-17, 0.8849661565261433, -7.690557775987357e-18,
0.479425538604203, -5.103969860556013e-18, 0.8775825618903728, -4.2623149864279997e-17,
0.49307868575392305, 5.605083973871755e-18, 0.8699847180584174, 1.657385110740923e-17,
0.5066114548142574, -3.269413423618168e-17, 0.8621744799348805, 4.4132427578105805e-18,
0.520020541953727, -3.983266745698455e-17, 0.8541537542773854, 5.420565102675286e-18,
0.5333026735360201, 5.129318115032044e-17, 0.8459244992310679, 1.549506647350329e-17,
0.5464546069192036, 8.399754840929507e-18, 0.8374887238505236, 4.3337026043948396e-17,
0.5594731312473669, 1.575565514488728e-17, 0.8288484876093257, 1.1163935406617444e-17,
0.5723550682345072, 2.6575872357215316e-17, 0.820005899897234, -3.912431748209128e-17,
0.5850972729404622, -5.4883972461161805e-17, 0.8109631195052179, -3.091333486122179e-17,
0.5976966345387015, 5.450323593054385e-17, 0.8017223540984184, 4.0134533311087014e-17,
0.6101500770757914, -1.479826990758988e-17, 0.7922858596771786, -2.9049779312834576e-17,
0.6224545602223437, -6.049035765709707e-18, 0.7826559400262728, -1.474071641211487e-17,
0.6346070800152693, -3.4568582392624965e-17, 0.7728349461524715, 4.231014921891023e-17,
0.6466046695911524, 4.567647714393289e-19, 0.7628252757105762, 1.6672995021546628e-17,
0.6584443999105676, -3.7736386700306717e-17, 0.7526293724180665, -1.2970993013150526e-17,
0.6701233804731629, 6.183536725574959e-18, 0.7422497254585013, -1.2339303604869521e-17,
0.6816387600233341, 4.410467313197903e-17, 0.7316888688738209, -1.0475824306512768e-17,
0.692987727246318, -5.3543290798909455e-17, 0.7209493809456964, 3.494986701478816e-17,
0.7041675114545337, -3.94095700584825e-17, 0.7100338835660797, 1.505272211891291e-17,
0.7151753832640076, -1.466099578328228e-17, 0.6989450415971057, -5.5261332036460915e-18,
0.7260086552607126, -1.573621815339587e-17, 0.6876855622205048, 3.5430696752823923e-17,]);

// Outputs of `sincos` (module-private so the hot path allocates nothing).
let SIN = 0;
let COS = 0;

/** Correctly rounded sin(x) and cos(x), written to out[0] and out[1]. */
export function sincos(x: number, out: Float64Array): void {
  sincosInto(x);
  out[0] = SIN;
  out[1] = COS;
}

function sincosInto(x: number): void {
  const ax = Math.abs(x);
  if (x === 0) {
    SIN = x; // keeps the sign of zero
    COS = 1;
    return;
  }
  if (!(ax < 1e5)) {
    SIN = Math.sin(x);
    COS = Math.cos(x);
    return;
  }
  // --- reduce: x = k·π/2 + (rh + rl)
  let rh: number;
  let rl: number;
  let k = 0;
  if (ax <= PI_4) {
    rh = x;
    rl = 0;
  } else {
    k = Math.round(x * TWO_OVER_PI);
    const t = x - k * P1; // exact (Sterbenz)
    const w2 = -(k * P2); // exact
    let s = t + w2;
    let bb = s - t;
    let e = t - (s - bb) + (w2 - bb);
    const w3 = -(k * P3); // exact
    const s2 = s + w3;
    bb = s2 - s;
    e += s - (s2 - bb) + (w3 - bb);
    s = s2;
    e -= k * P4;
    rh = s + e;
    rl = e - (rh - s);
  }
  // --- table point a = j/64 and remainder d = dh + dl, |d| ≤ 1/128 (plus rounding slack);
  // small arguments (|x| ≤ 1/4, e.g. every live CartPole angle) skip the table.
  const j = ax <= 0.25 ? 0 : Math.round(rh * 64);
  const aj = j < 0 ? -j : j;
  const sign = j < 0 ? -1 : 1;
  let dh = rh - j / 64; // exact (Sterbenz)
  let dl = rl;
  {
    const s = dh + dl;
    dl = dl - (s - dh);
    dh = s;
  }
  // d² (double-double)
  let c = SPLIT * dh;
  const dhh = c - (c - dh);
  const dhl = dh - dhh;
  const d2h = dh * dh;
  const d2l = dhh * dhh - d2h + 2 * dhh * dhl + dhl * dhl + 2 * dh * dl;
  // Split of d²'s high part, shared by the products below.
  c = SPLIT * d2h;
  const d2hh = c - (c - d2h);
  const d2hl = d2h - d2hh;
  // sin d = d − d³·(1/6 − d²/120 + d⁴/5040 − …): the d²/120 term in double-double, the rest in
  // double; enough terms for |d| ≤ 1/4 to ~2^-70.
  let th = d2h * C120_H;
  let tl = d2hh * C120_HH - th + d2hh * C120_HL + d2hl * C120_HH + d2hl * C120_HL + (d2h * C120_L + d2l * C120_H);
  let rest =
    d2h *
    d2h *
    (1 / 5040 - d2h * (1 / 362880 - d2h * (1 / 39916800 - d2h * (1 / 6227020800 - d2h * (1 / 1307674368000)))));
  let ih = th - rest;
  let il = th - ih - rest + tl;
  let psh = SIXTH_H - ih;
  let psl = SIXTH_H - psh - ih + (SIXTH_L - il);
  // d³ = d · d²
  const d3h = dh * d2h;
  const d3l = dhh * d2hh - d3h + dhh * d2hl + dhl * d2hh + dhl * d2hl + (dh * d2l + dl * d2h);
  // d³ · ps
  c = SPLIT * d3h;
  let ah = c - (c - d3h);
  let al = d3h - ah;
  c = SPLIT * psh;
  let bh = c - (c - psh);
  let bl = psh - bh;
  const qh = d3h * psh;
  const ql = ah * bh - qh + ah * bl + al * bh + al * bl + (d3h * psl + d3l * psh);
  // sind = d − q
  let sdh = dh - qh;
  let bb = sdh - dh;
  let sdl = dh - (sdh - bb) + (-qh - bb) + (dl - ql);
  {
    const s = sdh + sdl;
    sdl = sdl - (s - sdh);
    sdh = s;
  }
  // cos d − 1 = −d²·(1/2 − d²/24 + d⁴/720 − …), the d²/24 term in double-double.
  th = d2h * C24_H;
  tl = d2hh * C24_HH - th + d2hh * C24_HL + d2hl * C24_HH + d2hl * C24_HL + (d2h * C24_L + d2l * C24_H);
  rest =
    d2h * d2h * (1 / 720 - d2h * (1 / 40320 - d2h * (1 / 3628800 - d2h * (1 / 479001600 - d2h * (1 / 87178291200)))));
  ih = th - rest;
  il = th - ih - rest + tl;
  psh = 0.5 - ih;
  psl = 0.5 - psh - ih - il;
  c = SPLIT * psh;
  bh = c - (c - psh);
  bl = psh - bh;
  let cmh = d2h * psh;
  let cml = d2hh * bh - cmh + d2hh * bl + d2hl * bh + d2hl * bl + (d2h * psl + d2l * psh);
  cmh = -cmh;
  cml = -cml;

  let sinH: number;
  let sinL: number;
  let cosH: number;
  let cosL: number;
  if (aj === 0) {
    sinH = sdh;
    sinL = sdl;
    // 1 + cm
    cosH = 1 + cmh;
    cosL = 1 - cosH + cmh + cml;
  } else {
    const o = aj * 4;
    const Sh = sign * TABLE[o]!;
    const Sl = sign * TABLE[o + 1]!;
    const Ch = TABLE[o + 2]!;
    const Cl = TABLE[o + 3]!;
    // Products of table values with the small corrections (double-double).
    c = SPLIT * Sh;
    const Shh = c - (c - Sh);
    const Shl = Sh - Shh;
    c = SPLIT * Ch;
    const Chh = c - (c - Ch);
    const Chl = Ch - Chh;
    c = SPLIT * cmh;
    const mh = c - (c - cmh);
    const ml = cmh - mh;
    c = SPLIT * sdh;
    const nh = c - (c - sdh);
    const nl = sdh - nh;
    // S·cm
    const p1h = Sh * cmh;
    const p1l = Shh * mh - p1h + Shh * ml + Shl * mh + Shl * ml + (Sh * cml + Sl * cmh);
    // C·sind
    const p2h = Ch * sdh;
    const p2l = Chh * nh - p2h + Chh * nl + Chl * nh + Chl * nl + (Ch * sdl + Cl * sdh);
    // C·cm
    const p3h = Ch * cmh;
    const p3l = Chh * mh - p3h + Chh * ml + Chl * mh + Chl * ml + (Ch * cml + Cl * cmh);
    // S·sind
    const p4h = Sh * sdh;
    const p4l = Shh * nh - p4h + Shh * nl + Shl * nh + Shl * nl + (Sh * sdl + Sl * sdh);
    // sin r = S + (S·cm + C·sind)
    let kh = p1h + p2h;
    bb = kh - p1h;
    let kl = p1h - (kh - bb) + (p2h - bb) + p1l + p2l;
    sinH = Sh + kh;
    bb = sinH - Sh;
    sinL = Sh - (sinH - bb) + (kh - bb) + Sl + kl;
    // cos r = C + (C·cm − S·sind)
    kh = p3h - p4h;
    bb = kh - p3h;
    kl = p3h - (kh - bb) + (-p4h - bb) + p3l - p4l;
    cosH = Ch + kh;
    bb = cosH - Ch;
    cosL = Ch - (cosH - bb) + (kh - bb) + Cl + kl;
  }
  const sr = sinH + sinL;
  const cr = cosH + cosL;
  // Undo the quadrant: sin(x) and cos(x) from sin(r), cos(r).
  switch (k & 3) {
    case 0:
      SIN = sr;
      COS = cr;
      break;
    case 1:
      SIN = cr;
      COS = -sr;
      break;
    case 2:
      SIN = -sr;
      COS = -cr;
      break;
    default:
      SIN = -cr;
      COS = sr;
  }
}

/** Correctly rounded sin(x) (see the module note). */
export function sin(x: number): number {
  sincosInto(x);
  return SIN;
}

/** Correctly rounded cos(x) (see the module note). */
export function cos(x: number): number {
  sincosInto(x);
  return COS;
}
