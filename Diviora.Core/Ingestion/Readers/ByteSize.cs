using System.Globalization;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>Sizes as messages write them: <c>9.8 KiB</c>, <c>100 MiB</c>, <c>20 GiB</c>.</summary>
internal static class ByteSize
{
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
