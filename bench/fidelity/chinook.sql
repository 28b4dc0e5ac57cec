-- Queries written for the fidelity bench (Chinook's tables); their plan shapes are compared.
SELECT * FROM invoice WHERE customer_id = 7;
SELECT * FROM track WHERE genre_id = 1 AND unit_price > 0.99;
SELECT billing_country, sum(total) FROM invoice GROUP BY billing_country ORDER BY 2 DESC;
SELECT t.name, count(*) FROM invoice_line il JOIN track t ON t.track_id = il.track_id GROUP BY t.name ORDER BY 2 DESC LIMIT 10;
SELECT c.country, count(DISTINCT i.invoice_id) FROM customer c JOIN invoice i ON i.customer_id = c.customer_id GROUP BY c.country;
SELECT * FROM track WHERE milliseconds > 600000;
SELECT a.title, count(*) FROM album a JOIN track t ON t.album_id = a.album_id GROUP BY a.title HAVING count(*) > 20;
