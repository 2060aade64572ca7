package spec

import "gopkg.in/yaml.v3"

// mapping converts a YAML mapping. Keys written in the mapping itself win
// over keys pulled in through "<<" merge keys, whatever their order, which
// is the YAML merge-key rule.
func (c *yamlConverter) mapping(n *yaml.Node, depth int) (*value, error) {
	v := &value{kind: kindObject, line: n.Line}
	var merged []member
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			ms, err := c.mergeSources(val, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, ms...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			// A complex key cannot name a field we know; ignore it like
			// any other unknown field.
			continue
		}
		cv, err := c.convert(val, depth+1)
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, member{key: k.Value, keyLine: k.Line, val: cv})
	}
	own := make(map[string]bool, len(v.members))
	for _, m := range v.members {
		own[m.key] = true
	}
	for _, m := range merged {
		if !own[m.key] {
			v.members = append(v.members, m)
		}
	}
	return v, nil
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// mergeSources returns the members a merge key brings in: from one mapping
// or from a list of mappings, earlier mappings winning over later ones.
func (c *yamlConverter) mergeSources(n *yaml.Node, depth int) ([]member, error) {
	src, err := c.convert(n, depth+1)
	if err != nil {
		return nil, err
	}
	var out []member
	seen := map[string]bool{}
	add := func(obj *value) {
		for _, m := range obj.members {
			if !seen[m.key] {
				seen[m.key] = true
				out = append(out, m)
			}
		}
	}
	switch src.kind {
	case kindObject:
		add(src)
	case kindList:
		for _, item := range src.items {
			if item.kind == kindObject {
				add(item)
			}
		}
	}
	return out, nil
}
