package catalog

import "strings"

// Suggest returns the known name that word was most likely meant to be, or
// "" when none is near enough to be a typo. Near means at most a third of the
// letters differ (case ignored), or one name is the other with a suffix
// (`pipeline` for `pipeline_id`), which is how people shorten names.
func Suggest(word string, known []string) string {
	w := strings.ToLower(word)
	best, bestDist := "", len(w)/3+1
	for _, k := range known {
		if d := EditDistance(w, strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" || len(w) < 3 {
		return best
	}
	for _, k := range known {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, w) || strings.HasPrefix(w, lk) {
			return k
		}
	}
	return ""
}

// EditDistance is the Levenshtein distance between a and b, in bytes.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
