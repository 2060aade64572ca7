package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The OpenLineage naming spec gives each platform's datasets a namespace
// (where: the server, account, project or bucket) and a name (what, in the
// platform's own words). A spec dataset says its connection and object;
// the connection's type and address give the namespace, and the object,
// completed with the connection's database or project where the platform's
// names carry it and case-folded where the platform folds unquoted names,
// gives the name. That is how a spec's clean_orders meets the dataset an
// Airflow, dbt or Spark run reports.

// OpenLineageIdentity is the OpenLineage (namespace, name) of object on a
// connection of type connType with config; ok is false when the platform
// is unknown or the config lacks its address.
func OpenLineageIdentity(connType string, config map[string]any, object string) (namespace, name string, ok bool) {
	s := func(keys ...string) string {
		for _, k := range keys {
			switch v := config[k].(type) {
			case string:
				if v != "" {
					return v
				}
			case json.Number: // the store decodes configs with UseNumber
				if v != "" {
					return v.String()
				}
			case float64:
				return fmt.Sprintf("%d", int64(v))
			case int:
				return fmt.Sprintf("%d", v)
			}
		}
		return ""
	}
	hostPort := func(scheme, defPort string) string {
		host, port := s("host", "hostname", "server"), s("port")
		if host == "" {
			return ""
		}
		if port == "" {
			port = defPort
		}
		return scheme + "://" + strings.ToLower(host) + ":" + port
	}
	// qualify completes object to parts dot-separated parts with the
	// outermost components it lacks (prefix is outermost first), "" when
	// a needed one is not configured.
	qualify := func(parts int, prefix ...string) string {
		need := parts - len(strings.Split(object, "."))
		if need <= 0 {
			return object
		}
		if need > len(prefix) || slices.Contains(prefix[:need], "") {
			return ""
		}
		return strings.Join(append(append([]string(nil), prefix[:need]...), object), ".")
	}
	if object == "" {
		return "", "", false
	}
	switch strings.ToLower(connType) {
	case "postgres", "postgresql":
		namespace, name = hostPort("postgres", "5432"), strings.ToLower(qualify(3, s("database", "dbname", "db")))
	case "mysql", "mariadb":
		namespace, name = hostPort("mysql", "3306"), qualify(2, s("database", "dbname", "db"))
	case "redshift":
		namespace, name = hostPort("redshift", "5439"), strings.ToLower(qualify(3, s("database", "dbname", "db")))
	case "sqlserver", "mssql":
		namespace, name = hostPort("sqlserver", "1433"), qualify(3, s("database", "dbname", "db"))
	case "snowflake":
		if account := s("account", "account_identifier"); account != "" {
			namespace = "snowflake://" + strings.ToLower(account)
		}
		name = strings.ToUpper(qualify(3, s("database"), s("schema")))
	case "bigquery":
		namespace, name = "bigquery", qualify(3, s("project", "project_id"), s("dataset"))
	case "s3", "gcs", "gs", "azure", "abfss", "wasbs":
		scheme := map[string]string{"gcs": "gs"}[strings.ToLower(connType)]
		if scheme == "" {
			scheme = strings.ToLower(connType)
		}
		if bucket := s("bucket", "container"); bucket != "" {
			namespace = scheme + "://" + bucket
		}
		name = strings.TrimPrefix(object, "/")
	case "hive":
		namespace, name = hostPort("hive", "9083"), strings.ToLower(qualify(2, s("database")))
	case "kafka":
		if b := s("bootstrap_servers", "bootstrap", "brokers"); b != "" {
			namespace = "kafka://" + strings.Split(b, ",")[0]
		}
		name = object
	}
	return namespace, name, namespace != "" && name != ""
}
