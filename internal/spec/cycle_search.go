package spec

import "slices"

// searchCycle runs a depth-first search from each node in order and
// returns the first cycle found, closed (its first node repeated at the
// end), or nil.
func searchCycle(graph map[node][]node, nodes []node) []node {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[node]int{}
	var path []node
	var visit func(n node) []node
	visit = func(n node) []node {
		state[n] = onPath
		path = append(path, n)
		for _, next := range graph[n] {
			switch state[next] {
			case onPath:
				start := slices.Index(path, next)
				return append(slices.Clone(path[start:]), next)
			case unseen:
				if c := visit(next); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, n := range nodes {
		if state[n] == unseen {
			if c := visit(n); c != nil {
				return c
			}
		}
	}
	return nil
}
