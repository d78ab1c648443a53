using System.Collections.Concurrent;

namespace Appliance.Core.Caching;

/// <summary>
/// A pure function's results for the few distinct inputs a box sees (flavors, group lists, name patterns), kept up to a
/// bound so that a stream of distinct inputs cannot grow it. Hits take no lock: the dictionary's Count, which takes all of
/// its locks, is read only on a miss (reading it per call cost a 1,000-server list a millisecond).
/// </summary>
public sealed class BoundedMemo<TKey, TValue>(Func<TKey, TValue> compute, int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _values = new();

    public TValue Get(TKey key)
    {
        if (_values.TryGetValue(key, out var value))
        {
            return value;
        }

        value = compute(key);
        if (_values.Count < capacity)
        {
            _values.TryAdd(key, value);
        }

        return value;
    }
}
