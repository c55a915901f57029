namespace Chorus.Commands.Notifications;

/// <summary>
/// Redis's notify-keyspace-events classes, one bit per flag letter: K and E say which channels
/// (keyspace, keyevent) carry events, the others which events fire. A is g$lshzxetd; "n" (new key)
/// and "m" (key miss) are outside A, as in Redis 7.0.
/// </summary>
[Flags]
public enum KeyspaceEventClasses
{
    None = 0,
    Keyspace = 1 << 0,      // K
    Keyevent = 1 << 1,      // E
    Generic = 1 << 2,       // g
    String = 1 << 3,        // $
    List = 1 << 4,          // l
    Set = 1 << 5,           // s
    Hash = 1 << 6,          // h
    SortedSet = 1 << 7,     // z
    Expired = 1 << 8,       // x
    Evicted = 1 << 9,       // e
    Stream = 1 << 10,       // t
    KeyMiss = 1 << 11,      // m
    Module = 1 << 12,       // d
    New = 1 << 13,          // n
    All = Generic | String | List | Set | Hash | SortedSet | Expired | Evicted | Stream | Module,
}

/// <summary>The flag letters: parsed as Redis's keyspaceEventsStringToFlags, printed as its keyspaceEventsFlagsToString.</summary>
public static class KeyspaceEventFlags
{
    /// <summary>Parses <paramref name="text"/>; false on a letter Redis does not know.</summary>
    public static bool TryParse(string text, out KeyspaceEventClasses classes)
    {
        classes = KeyspaceEventClasses.None;
        foreach (var letter in text)
        {
            var flag = letter switch
            {
                'A' => KeyspaceEventClasses.All,
                'g' => KeyspaceEventClasses.Generic,
                '$' => KeyspaceEventClasses.String,
                'l' => KeyspaceEventClasses.List,
                's' => KeyspaceEventClasses.Set,
                'h' => KeyspaceEventClasses.Hash,
                'z' => KeyspaceEventClasses.SortedSet,
                'x' => KeyspaceEventClasses.Expired,
                'e' => KeyspaceEventClasses.Evicted,
                'K' => KeyspaceEventClasses.Keyspace,
                'E' => KeyspaceEventClasses.Keyevent,
                't' => KeyspaceEventClasses.Stream,
                'm' => KeyspaceEventClasses.KeyMiss,
                'd' => KeyspaceEventClasses.Module,
                'n' => KeyspaceEventClasses.New,
                _ => (KeyspaceEventClasses?)null,
            };
            if (flag is not { } known)
            {
                return false;
            }
            classes |= known;
        }
        return true;
    }

    /// <summary>The letters Redis reports for <paramref name="classes"/> (CONFIG GET notify-keyspace-events).</summary>
    public static string Format(KeyspaceEventClasses classes)
    {
        var text = new System.Text.StringBuilder();
        if ((classes & KeyspaceEventClasses.All) == KeyspaceEventClasses.All)
        {
            text.Append('A');
        }
        else
        {
            Append(text, classes, KeyspaceEventClasses.Generic, 'g');
            Append(text, classes, KeyspaceEventClasses.String, '$');
            Append(text, classes, KeyspaceEventClasses.List, 'l');
            Append(text, classes, KeyspaceEventClasses.Set, 's');
            Append(text, classes, KeyspaceEventClasses.Hash, 'h');
            Append(text, classes, KeyspaceEventClasses.SortedSet, 'z');
            Append(text, classes, KeyspaceEventClasses.Expired, 'x');
            Append(text, classes, KeyspaceEventClasses.Evicted, 'e');
            Append(text, classes, KeyspaceEventClasses.Stream, 't');
            Append(text, classes, KeyspaceEventClasses.Module, 'd');
            // Redis 7.0 prints n only here: with A it is set but not shown.
            Append(text, classes, KeyspaceEventClasses.New, 'n');
        }
        Append(text, classes, KeyspaceEventClasses.Keyspace, 'K');
        Append(text, classes, KeyspaceEventClasses.Keyevent, 'E');
        Append(text, classes, KeyspaceEventClasses.KeyMiss, 'm');
        return text.ToString();
    }

    private static void Append(System.Text.StringBuilder text, KeyspaceEventClasses classes, KeyspaceEventClasses flag, char letter)
    {
        if ((classes & flag) != 0)
        {
            text.Append(letter);
        }
    }
}
