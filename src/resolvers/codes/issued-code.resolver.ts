import { FieldResolver, Resolver, Root } from "type-graphql";
import { IssuedCode } from "../../schema/codes/code.types";
import { qrPngDataUrl, qrSvg } from "../../services/codes/qr";

/** QR images are drawn per request and only for the fields asked for: the PNG costs most. */
@Resolver(() => IssuedCode)
export class IssuedCodeResolver {
  @FieldResolver(() => String, { description: "the code as a QR image, SVG text" })
  qrSvg(@Root() issued: IssuedCode): Promise<string> {
    return qrSvg(issued.code);
  }

  @FieldResolver(() => String, { description: "the code as a QR image, PNG data URL" })
  qrPng(@Root() issued: IssuedCode): Promise<string> {
    return qrPngDataUrl(issued.code);
  }
}
