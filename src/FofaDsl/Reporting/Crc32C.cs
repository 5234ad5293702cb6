namespace FofaDsl.Reporting;

/// <summary>CRC-32C (Castagnoli), the checksum TFRecord framing uses, and TFRecord's mask of it.</summary>
internal static class Crc32C
{
    // The Castagnoli polynomial 0x1EDC6F41, bit-reversed for the LSB-first table algorithm.
    private const uint ReversedPolynomial = 0x82F63B78u;
    private const uint MaskDelta = 0xA282EAD8u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>
    /// TFRecord stores a rotated, offset CRC: a CRC of data that itself contains CRCs would
    /// otherwise be weak.
    /// </summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as written in a TFRecord.</summary>
    public static uint ComputeMasked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReversedPolynomial : crc >> 1;
            table[i] = crc;
        }
        return table;
    }
}
