using Chorus.Resp;

namespace Chorus.Cli.Tests.Support;

/// <summary>Reading a field of a map reply (a RESP2 flat array of names and values, as CHORUS.SESSION answers).</summary>
public static class RespMaps
{
    public static RespValue Field(this RespValue map, string name)
    {
        Assert.False(map.IsError, map.IsError ? map.AsString() : null);
        var items = map.Items!;
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].AsString() == name)
            {
                return items[i + 1];
            }
        }
        throw new Xunit.Sdk.XunitException($"no field {name} in {map}");
    }
}
