// qrcode ships no types; the one call this plugin makes.
declare module 'qrcode' {
  const QRCode: {
    toString(
      text: string,
      options: { type: 'svg'; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; margin?: number },
    ): Promise<string>;
  };
  export default QRCode;
}
