import type { RequestHandler } from 'express';
import { API_PREFIX } from './api-prefix';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * Prometheus metrics of one app: process metrics and HTTP requests by method, route template
 * (e.g. /api/v1/contacts/:id, never the id itself) and status.
 */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      // Unmatched paths share one label: arbitrary URLs must not create unbounded series.
      // A route that failed has left its router by now (baseUrl reset): its mount is read from the URL.
      const mount = req.baseUrl || (req.originalUrl.startsWith(`${API_PREFIX}/`) ? API_PREFIX : '');
      const route = req.route?.path ? `${mount}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  };
  return { registry, middleware };
}
