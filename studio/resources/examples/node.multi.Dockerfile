# A Node front end, multi-stage: build with node, serve with nginx.
#
# The "build" stage installs dependencies and bundles the app into /app/dist. The
# final stage is plain nginx: it receives only the built files, so no node, no
# node_modules and no sources reach the image you deploy.
FROM node:20-slim AS build
WORKDIR /app
# Lock file first: npm ci stays cached until the dependencies change.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
EXPOSE 80
