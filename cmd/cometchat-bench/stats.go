package main

import (
	"math"
	"slices"
	"strconv"
	"time"
)

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func f0(v float64) string       { return strconv.FormatFloat(v, 'f', 0, 64) }
func f1(v float64) string       { return strconv.FormatFloat(v, 'f', 1, 64) }
func f2(v float64) string       { return strconv.FormatFloat(v, 'f', 2, 64) }
func us(d time.Duration) string { return strconv.FormatInt(d.Microseconds(), 10) + "µs" }
func ms(d time.Duration) string { return f2(float64(d.Microseconds())/1000) + "ms" }
