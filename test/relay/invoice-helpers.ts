// The invoice-job suites' invoices and polling live with the local stack.
export * from '../../dev/stack/invoices';
