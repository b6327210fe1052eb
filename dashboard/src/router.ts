// Hash history: the same build works from the local stack and from an S3 website, where
// there is no server to send every deep link back to index.html.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/tickets' },
  { path: '/signin', component: () => import('./views/SignInView.vue'), meta: { public: true } },
  { path: '/tickets', component: () => import('./views/TicketsView.vue') },
  { path: '/tickets/:id', component: () => import('./views/TicketDetailView.vue'), props: true },
  { path: '/approvals', component: () => import('./views/ApprovalQueueView.vue') },
  { path: '/new', component: () => import('./views/NewTicketView.vue') },
  { path: '/search-test', component: () => import('./views/SearchTestView.vue') },
  { path: '/audit', component: () => import('./views/AuditView.vue') },
  { path: '/torrents', component: () => import('./views/TorrentsView.vue') },
  { path: '/system', component: () => import('./views/SystemView.vue') },
]

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
