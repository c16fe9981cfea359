// The PostgreSQL JDBC driver (what DBeaver, Metabase, Tableau and Spark connect with)
// against `trailcheck serve`: run by tests/it/serve.rs, compiled there with javac.
//
// java -cp postgresql.jar:DIR JdbcCheck URL USER PASSWORD
//
// Prints one tab-separated line per fact, for the test to compare with `trailcheck sql`:
//   table  NAME  TYPE                      (DatabaseMetaData.getTables)
//   column TABLE NAME TYPE_NAME DATA_TYPE  (DatabaseMetaData.getColumns)
//   rows   TABLE COLUMNS ROWS NONNULL      (SELECT * read with getObject on every column)
//   since  COUNT                           (a timestamp parameter)
//   fetched ROWS BATCHES                   (setFetchSize with autocommit off: a cursor)
import java.sql.*;
import java.util.*;

public class JdbcCheck {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        if (!args[2].isEmpty()) p.setProperty("password", args[2]);
        try (Connection c = DriverManager.getConnection(args[0], p)) {
            DatabaseMetaData md = c.getMetaData();
            System.out.println("product\t" + md.getDatabaseProductName() + "\t" + md.getDatabaseProductVersion());
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"})) {
                while (rs.next()) {
                    String name = rs.getString("TABLE_NAME");
                    tables.add(name);
                    System.out.println("table\t" + name + "\t" + rs.getString("TABLE_TYPE"));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = md.getColumns(null, "public", t, "%")) {
                    while (rs.next()) {
                        System.out.println("column\t" + t + "\t" + rs.getString("COLUMN_NAME") + "\t"
                                + rs.getString("TYPE_NAME") + "\t" + rs.getInt("DATA_TYPE"));
                    }
                }
            }
            for (String t : tables) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT * FROM \"" + t.replace("\"", "\"\"") + "\"")) {
                    int n = rs.getMetaData().getColumnCount();
                    long rows = 0, nonNull = 0;
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= n; i++) {
                            Object o = rs.getObject(i);
                            if (o instanceof Array) o = ((Array) o).getArray();
                            if (o != null) nonNull++;
                        }
                    }
                    System.out.println("rows\t" + t + "\t" + n + "\t" + rows + "\t" + nonNull);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM events WHERE time >= ? AND provider = ?")) {
                ps.setTimestamp(1, Timestamp.from(java.time.Instant.parse(args[3])));
                ps.setString(2, "okta");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    System.out.println("since\t" + rs.getLong(1));
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(7);
                try (ResultSet rs = s.executeQuery("SELECT event_uid, time, actor_uid FROM events ORDER BY time")) {
                    long rows = 0;
                    Timestamp last = null;
                    while (rs.next()) {
                        rows++;
                        Timestamp ts = rs.getTimestamp(2);
                        if (last != null && ts.before(last)) throw new IllegalStateException("out of order");
                        last = ts;
                    }
                    System.out.println("fetched\t" + rows);
                }
            }
            c.commit();
        }
    }
}
