@testable import ChainRuleRender
import Testing

/// `PDFPages` reads PDF bytes as ISO 8859-1 text; the transcoding must be the
/// one-scalar-per-byte reading it replaced, for every byte value.
@Suite struct PDFLatin1Tests {
    static func reference(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    @Test func everyByteIsItsOwnCodePoint() {
        let all = (0...255).map { UInt8($0) }
        #expect(PDFPages.latin1(all[...]) == Self.reference(all[...]))
        #expect(PDFPages.latin1(all[...]).unicodeScalars.map(\.value) == (0...255).map { UInt32($0) })
        #expect(PDFPages.bytes(PDFPages.latin1(all[...])) == all)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(PDFPages.latin1(bytes[...]) == Self.reference(bytes[...]))
            #expect(PDFPages.latin1(bytes.dropFirst(3)) == Self.reference(bytes.dropFirst(3)))
        }
    }

    @Test func theLastStartxrefIsRead() throws {
        // A tiny PDF whose stream data mentions `startxref`: the trailer's (last) one counts.
        var pdf = Array("%PDF-1.4\n".utf8)
        let object = pdf.count
        pdf += Array("1 0 obj\n<< /Type /Catalog >>\nstream\nstartxref 3\nendstream\nendobj\n".utf8)
        let xref = pdf.count
        pdf += Array("xref\n0 2\n0000000000 65535 f \n\(String(repeating: "0", count: 10 - String(object).count))\(object) 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        let (objects, root, info) = try PDFPages.objects(pdf)
        #expect(root == 1 && info == nil)
        #expect(objects.count == 1 && objects[0].number == 1 && objects[0].bytes.startIndex == object)
        #expect(throws: PDFPages.Failure.self) { try PDFPages.objects(Array("no cross reference".utf8)) }
        #expect(throws: PDFPages.Failure.self) { try PDFPages.objects(Array("startxref".utf8)) }
    }
}
