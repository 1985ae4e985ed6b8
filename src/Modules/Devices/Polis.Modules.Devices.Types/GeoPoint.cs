using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>A location in integer microdegrees (1e-6°, about 11 cm), so state never holds a float.</summary>
public readonly record struct GeoPoint(int LatitudeMicro, int LongitudeMicro)
{
    public const int LatitudeMax = 90_000_000;
    public const int LongitudeMax = 180_000_000;

    public bool IsValid => Math.Abs((long)LatitudeMicro) <= LatitudeMax && Math.Abs((long)LongitudeMicro) <= LongitudeMax;

    public static GeoPoint FromDegrees(double latitude, double longitude) =>
        new((int)Math.Round(latitude * 1e6), (int)Math.Round(longitude * 1e6));

    public double Latitude => LatitudeMicro / 1e6;
    public double Longitude => LongitudeMicro / 1e6;

    public void Encode(CanonicalWriter w)
    {
        w.WriteI32(LatitudeMicro);
        w.WriteI32(LongitudeMicro);
    }

    public static GeoPoint Decode(ref CanonicalReader r)
    {
        var point = new GeoPoint(r.ReadI32("latitude"), r.ReadI32("longitude"));
        if (!point.IsValid) throw new CodecException($"location {point.LatitudeMicro},{point.LongitudeMicro} is outside ±90°/±180°");
        return point;
    }
}
