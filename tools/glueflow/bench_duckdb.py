"""Hand-written DuckDB queries that compute the reference pipelines' outputs from the same input files.

They are the single-machine floor `make bench` compares the Spark jobs against, and the independent
implementation the golden files in tests/golden/ are computed with. They restate each job's rules in SQL
(typed parsing, rejects, joins, aggregates); they share no code with the job scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SALES_VALID = """
CREATE OR REPLACE TEMP VIEW sales_raw AS
    SELECT * FROM read_csv({sales}, header = true, all_varchar = true, union_by_name = true);
CREATE OR REPLACE TEMP VIEW customers AS
    SELECT * FROM read_csv({customers}, header = true, all_varchar = true);
CREATE OR REPLACE TEMP VIEW sales_typed AS
    SELECT TRY_CAST(trim(order_id) AS BIGINT) AS order_id, trim(customer_id) AS customer_id,
           trim(product_id) AS product_id, TRY_CAST(trim(quantity) AS INTEGER) AS quantity,
           TRY_CAST(trim(price) AS DOUBLE) AS price,
           CASE WHEN regexp_full_match(trim(order_date), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                THEN TRY_CAST(trim(order_date) AS DATE) END AS order_date,
           trim(region) AS region
    FROM sales_raw;
CREATE OR REPLACE TEMP VIEW sales_valid AS
    SELECT *, round(quantity * price, 2) AS total_amount FROM sales_typed
    WHERE order_id IS NOT NULL AND customer_id <> '' AND product_id <> '' AND quantity > 0 AND price >= 0
      AND order_date IS NOT NULL AND region <> ''
      AND customer_id IN (SELECT customer_id FROM customers);
"""

DAILY_SALES = """
SELECT order_date, region, round(sum(total_amount), 2) AS daily_revenue, count(order_id) AS daily_orders,
       count(DISTINCT customer_id) AS unique_customers
FROM sales_valid GROUP BY order_date, region ORDER BY order_date, region
"""

CUSTOMER_METRICS = """
SELECT s.customer_id, c.name, c.status, round(sum(total_amount), 2) AS total_spent,
       count(order_id) AS total_orders, round(avg(total_amount), 2) AS avg_order_value
FROM sales_valid s LEFT JOIN customers c USING (customer_id)
GROUP BY s.customer_id, c.name, c.status ORDER BY s.customer_id
"""


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def sales_outputs(con: Any, sales_files: list[Path], customers_file: Path) -> dict[str, list[tuple[Any, ...]]]:
    """daily_sales and customer_metrics rows (sorted) for `sales_files` (CSV with a header) and customers."""
    con.execute(SALES_VALID.format(sales=_sql_list(sales_files), customers=_sql_list([customers_file])))
    return {
        "daily_sales": con.execute(DAILY_SALES).fetchall(),
        "customer_metrics": con.execute(CUSTOMER_METRICS).fetchall(),
    }
