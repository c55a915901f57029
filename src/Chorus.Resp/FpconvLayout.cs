namespace Chorus.Resp;

/// <summary>
/// Lays out decimal digits the way Redis's fpconv_dtoa (emit_digits) does, so doubles look
/// the same on the wire as from Redis.
/// </summary>
internal static class FpconvLayout
{
    /// <summary>Writes digits × 10^<paramref name="k"/>; returns the bytes written.</summary>
    public static int Emit(ReadOnlySpan<byte> digits, int k, Span<byte> destination)
    {
        var count = digits.Length;
        var exponent = Math.Abs(k + count - 1);
        if (k >= 0 && exponent < count + 7)
        {
            digits.CopyTo(destination);
            destination.Slice(count, k).Fill((byte)'0');
            return count + k;
        }

        if (k < 0 && (k > -7 || exponent < 4))
        {
            return EmitDecimal(digits, k, destination);
        }

        return EmitScientific(digits, k + count - 1, destination);
    }

    private static int EmitDecimal(ReadOnlySpan<byte> digits, int k, Span<byte> destination)
    {
        var count = digits.Length;
        var integerDigits = count + k;
        if (integerDigits <= 0)
        {
            var zeros = -integerDigits;
            "0."u8.CopyTo(destination);
            destination.Slice(2, zeros).Fill((byte)'0');
            digits.CopyTo(destination[(2 + zeros)..]);
            return count + 2 + zeros;
        }

        digits[..integerDigits].CopyTo(destination);
        destination[integerDigits] = (byte)'.';
        digits[integerDigits..].CopyTo(destination[(integerDigits + 1)..]);
        return count + 1;
    }

    private static int EmitScientific(ReadOnlySpan<byte> digits, int exponent, Span<byte> destination)
    {
        var written = 0;
        destination[written++] = digits[0];
        if (digits.Length > 1)
        {
            destination[written++] = (byte)'.';
            digits[1..].CopyTo(destination[written..]);
            written += digits.Length - 1;
        }

        destination[written++] = (byte)'e';
        destination[written++] = exponent < 0 ? (byte)'-' : (byte)'+';
        // fpconv prints the exponent without padding: 1e+7, 1.5e+300, 5e-324.
        System.Buffers.Text.Utf8Formatter.TryFormat(Math.Abs(exponent), destination[written..], out var exponentDigits);
        return written + exponentDigits;
    }
}
