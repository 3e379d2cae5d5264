using System;

namespace Edge.Device.NanoFramework;

/// <summary>The flash queue's segment file names: <c>q</c>, the number in 8 digits, <c>.seg</c> (no string formatting needed).</summary>
internal static class FlashSegmentNames
{
    /// <summary>The file name of a segment.</summary>
    public static string Name(int number)
    {
        var digits = new char[8];
        for (var i = 7; i >= 0; i--)
        {
            digits[i] = (char)('0' + (number % 10));
            number /= 10;
        }

        return "q" + new string(digits) + ".seg";
    }

    /// <summary>The numbers of the segment files among the paths, ascending.</summary>
    public static int[] Numbers(string[] paths)
    {
        var numbers = new int[paths.Length];
        var count = 0;
        for (var i = 0; i < paths.Length; i++)
        {
            var number = Parse(paths[i]);
            if (number <= 0)
            {
                continue;
            }

            var j = count++;
            while (j > 0 && numbers[j - 1] > number)
            {
                numbers[j] = numbers[j - 1];
                j--;
            }

            numbers[j] = number;
        }

        var result = new int[count];
        Array.Copy(numbers, result, count);
        return result;
    }

    /// <summary>The number in a path ending in qNNNNNNNN.seg, or -1.</summary>
    public static int Parse(string path)
    {
        const int NameLength = 13;
        var start = path.Length - NameLength;
        if (start < 0 || (start > 0 && path[start - 1] != '\\' && path[start - 1] != '/') || path[start] != 'q'
            || path[start + 9] != '.' || path[start + 10] != 's' || path[start + 11] != 'e' || path[start + 12] != 'g')
        {
            return -1;
        }

        var number = 0;
        for (var i = start + 1; i < start + 9; i++)
        {
            var c = path[i];
            if (c < '0' || c > '9')
            {
                return -1;
            }

            number = (number * 10) + (c - '0');
        }

        return number;
    }
}
