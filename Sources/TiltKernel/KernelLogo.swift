/// The kernel's logo, drawn here and written as PNG (Jupyter shows `logo-32x32.png` and `logo-64x64.png`
/// from the kernelspec): three rising bars, tilted, on a dark blue rounded square.
enum KernelLogo {
    /// An RGBA image `size` × `size` pixels, drawn at that size (no scaling), as PNG bytes.
    static func png(size: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        let s = Double(size)
        let radius = s * 0.18
        for y in 0..<size {
            for x in 0..<size {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                // Rounded square: outside the corner circles is transparent.
                let cx = min(max(px, radius), s - radius), cy = min(max(py, radius), s - radius)
                guard (px - cx) * (px - cx) + (py - cy) * (py - cy) <= radius * radius else { continue }
                var colour: (UInt8, UInt8, UInt8) = (0x1F, 0x3A, 0x5F)
                // Three bars, each leaning right by a quarter of its height: a tilt.
                let base = s * 0.82
                for (i, height) in [0.30, 0.48, 0.64].enumerated() {
                    let top = base - s * height
                    guard py >= top, py <= base else { continue }
                    let lean = (base - py) * 0.25
                    let left = s * (0.16 + 0.24 * Double(i)) + lean
                    if px >= left, px <= left + s * 0.16 { colour = (0xF2, 0xB1, 0x34) }
                }
                let k = (y * size + x) * 4
                pixels[k] = colour.0
                pixels[k + 1] = colour.1
                pixels[k + 2] = colour.2
                pixels[k + 3] = 0xFF
            }
        }
        return PNG.encode(rgba: pixels, width: size, height: size)
    }
}

/// A minimal PNG encoder (ISO/IEC 15948): 8-bit RGBA, no filtering, the image data in stored (uncompressed)
/// deflate blocks — a logo of a few kilobytes needs no compression library.
enum PNG {
    static func encode(rgba: [UInt8], width: Int, height: Int) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * 4 + 1))
        for y in 0..<height {
            raw.append(0) // filter: none
            raw += rgba[(y * width * 4)..<((y + 1) * width * 4)]
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0] // 8 bits, RGBA, deflate, no filter method, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw))
            + chunk("IEND", [])
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    /// A zlib stream of stored deflate blocks (at most 65,535 bytes each) and its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
