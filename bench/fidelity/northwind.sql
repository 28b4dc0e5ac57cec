-- Queries written for the fidelity bench (Northwind's tables); their plan shapes are compared.
SELECT * FROM orders WHERE customer_id = 'ALFKI';
SELECT * FROM orders WHERE ship_country = 'Germany' AND freight > 50;
SELECT ship_country, count(*) FROM orders GROUP BY ship_country ORDER BY 2 DESC;
SELECT p.product_name, sum(od.quantity) FROM order_details od JOIN products p ON p.product_id = od.product_id GROUP BY p.product_name ORDER BY 2 DESC LIMIT 10;
SELECT * FROM products WHERE discontinued = 1 AND units_in_stock < 10;
SELECT e.last_name, count(*) FROM employees e JOIN orders o ON o.employee_id = e.employee_id GROUP BY e.last_name;
SELECT * FROM order_details WHERE discount > 0.1;
